// One exec session: the command really runs as a local process (argument array, never a shell string) in the
// container's directory with the container's env; with tty it gets a pseudo-terminal (node-pty) that follows
// resize messages. In-process programs (hubble in the Cilium agent) use the same channels.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import type { Readable } from 'node:stream';
import * as nodePty from 'node-pty';
import type { WebSocket } from 'ws';
import type { ExecHandle } from '../model';
import { ChannelConnection, type ExecProtocol, exitStatus, internalErrorStatus, STDERR, STDOUT } from './channel';
import { resolveCommand } from './env';

export interface ProgramIO {
  tty: boolean;
  /** Resolves once the bytes were handed to the socket (back-pressure). */
  stdout(text: string): Promise<void>;
  stderr(text: string): Promise<void>;
  /** Aborted when the client leaves or the container stops. */
  signal: AbortSignal;
}

/** A command implemented inside the simulator (there is no such binary here); returns the exit code. */
export type Program = (io: ProgramIO) => Promise<number>;

export interface SessionSpec {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  cwd: string;
  env: Record<string, string>;
  /** The image has no such executable (distroless): fail like the runtime does. */
  noExecutables: boolean;
  program?: Program;
  /** Track the live process in its container; returns the unregister function. */
  register(h: ExecHandle): () => void;
}

const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** How long to wait for the first resize of a tty session before starting at 80x24 anyway. */
const FIRST_RESIZE_WAIT_MS = 250;

const signalNumber = (s: NodeJS.Signals | null | number | undefined): number =>
  typeof s === 'number' ? s : s ? ((osConstants.signals as Record<string, number>)[s] ?? 9) : 9;

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

export class ExecSession {
  private readonly conn: ChannelConnection;
  private readonly execId = randomBytes(32).toString('hex');
  private size = { cols: 80, rows: 24 };
  private sizeKnown = false;
  private started = false;
  private finished = false;
  private pendingStdin: Buffer[] = [];
  private pendingEnd = false;
  private unregister: () => void = () => undefined;
  private firstResize?: () => void;
  // Set when the process runs:
  private write?: (b: Buffer) => void;
  private end?: () => void;
  private resize?: (cols: number, rows: number) => void;
  private kill?: (sig: NodeJS.Signals) => void;

  constructor(
    ws: WebSocket,
    protocol: ExecProtocol,
    private readonly spec: SessionSpec,
  ) {
    this.conn = new ChannelConnection(ws, protocol, {
      stdin: (b) => (this.write ? this.write(b) : this.pendingStdin.push(b)),
      stdinEnd: () => (this.end ? this.end() : (this.pendingEnd = true)),
      resize: (cols, rows) => {
        this.size = { cols, rows };
        this.sizeKnown = true;
        this.resize?.(cols, rows);
        this.firstResize?.();
      },
      closed: () => {
        // The client left: nothing may outlive the session.
        this.kill?.('SIGKILL');
        this.firstResize?.();
      },
    });
  }

  start(): void {
    if (!this.spec.tty || this.sizeKnown) return this.run();
    const t = setTimeout(() => this.run(), FIRST_RESIZE_WAIT_MS);
    this.firstResize = () => {
      clearTimeout(t);
      this.firstResize = undefined;
      this.run();
    };
  }

  private run(): void {
    if (this.started) return;
    this.started = true;
    if (this.conn.isClosed) return;
    const { command } = this.spec;
    if (this.spec.program) return this.runProgram(this.spec.program);
    const found = this.spec.noExecutables
      ? { error: `exec: "${command[0]}": executable file not found in $PATH` }
      : resolveCommand(command[0], this.spec.env.PATH ?? '', this.spec.cwd);
    if ('error' in found) {
      return this.conn.finish(
        internalErrorStatus(
          `error executing command in container: failed to exec in container: failed to start exec "${this.execId}": OCI runtime exec failed: exec failed: unable to start container process: ${found.error}: unknown`,
        ),
      );
    }
    if (this.spec.tty) this.runPty(found.file);
    else this.runChild(found.file);
    for (const b of this.pendingStdin) this.write?.(b);
    this.pendingStdin = [];
    if (this.pendingEnd) this.end?.();
  }

  /** Send output with back-pressure: pause the source while the socket lags. */
  private out(channel: number, data: Buffer, pause: () => void, resume: () => void): void {
    this.conn.send(channel, data, () => {
      if (this.conn.buffered < LOW_WATER) resume();
    });
    if (this.conn.buffered > HIGH_WATER) pause();
  }

  private complete(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.unregister();
    this.conn.finish(exitStatus(this.spec.command, code));
  }

  private runChild(file: string): void {
    const { spec } = this;
    const child: ChildProcess = spawn(file, spec.command.slice(1), {
      argv0: spec.command[0],
      cwd: spec.cwd,
      env: spec.env,
      stdio: [spec.stdin ? 'pipe' : 'ignore', spec.stdout ? 'pipe' : 'ignore', spec.stderr ? 'pipe' : 'ignore'],
      detached: true,
    });
    const pipe = (stream: Readable | null, channel: number): void => {
      stream?.on('data', (d: Buffer) =>
        this.out(
          channel,
          d,
          () => stream.pause(),
          () => stream.resume(),
        ),
      );
    };
    pipe(child.stdout, STDOUT);
    pipe(child.stderr, STDERR);
    child.stdin?.on('error', () => undefined);
    this.write = (b) => child.stdin?.write(b);
    this.end = () => child.stdin?.end();
    this.kill = (sig) => killGroup(child.pid, sig);
    this.unregister = spec.register({ kill: (sig) => this.kill?.(sig) });
    child.on('error', (err) => {
      if (!this.finished) {
        this.finished = true;
        this.unregister();
        this.conn.finish(internalErrorStatus(`error executing command in container: ${err.message}`));
      }
    });
    // Output a background process keeps open must not hold the status back for long.
    child.on('exit', () => {
      const t = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 500);
      t.unref();
    });
    child.on('close', (code, signal) => this.complete(code ?? 128 + signalNumber(signal)));
  }

  private runPty(file: string): void {
    const { spec } = this;
    const pty = nodePty.spawn(file, spec.command.slice(1), {
      name: spec.env.TERM ?? 'xterm',
      cols: this.size.cols,
      rows: this.size.rows,
      cwd: spec.cwd,
      env: spec.env,
      encoding: null,
    } as nodePty.IPtyForkOptions);
    pty.onData((d: string | Buffer) => {
      const buf = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
      this.out(
        STDOUT,
        buf,
        () => pty.pause(),
        () => pty.resume(),
      );
    });
    this.write = (b) => pty.write(b);
    this.end = () => undefined;
    this.resize = (cols, rows) => {
      try {
        pty.resize(cols, rows);
      } catch {
        /* exited */
      }
    };
    this.kill = (sig) => killGroup(pty.pid, sig);
    this.unregister = spec.register({ kill: (sig) => this.kill?.(sig) });
    pty.onExit(({ exitCode, signal }) => this.complete(signal ? 128 + signal : exitCode));
  }

  private runProgram(program: Program): void {
    const ac = new AbortController();
    let killedBy: NodeJS.Signals | undefined;
    const nl = (s: string): string => (this.spec.tty ? s.replace(/\r?\n/g, '\r\n') : s);
    const send = (channel: number, text: string): Promise<void> =>
      new Promise((resolve) => {
        if (ac.signal.aborted) return resolve();
        this.conn.send(this.spec.tty ? STDOUT : channel, Buffer.from(nl(text)), resolve);
      });
    this.kill = (sig) => {
      killedBy ??= sig;
      ac.abort();
    };
    this.unregister = this.spec.register({ kill: (sig) => this.kill?.(sig) });
    const io: ProgramIO = {
      tty: this.spec.tty,
      stdout: (t) => (this.spec.stdout ? send(STDOUT, t) : Promise.resolve()),
      stderr: (t) => (this.spec.stderr || this.spec.tty ? send(STDERR, t) : Promise.resolve()),
      signal: ac.signal,
    };
    program(io).then(
      (code) => this.complete(killedBy ? 128 + signalNumber(killedBy) : code),
      (err: unknown) => {
        if (this.finished) return;
        this.finished = true;
        this.unregister();
        this.conn.finish(
          internalErrorStatus(
            `error executing command in container: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      },
    );
  }
}
