// The terminal's state machine, VS Code-free: connects a shell over the exec layer, passes keys through (Ctrl-C
// included: the remote tty turns it into SIGINT), shows the exit code when the shell ends, tells a container
// restart from a plain exit, and reconnects on Enter.
import { StringDecoder } from 'node:string_decoder';
import { compareStates, describeRestart, type ContainerState } from './podState';
import type { ExecResult, ExecSession } from './types';

/** bash when present, else sh, in one exec: a fixed script, no user data in it. */
export const SHELL_SCRIPT = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';
export const SHELL_COMMAND: readonly string[] = ['sh', '-c', SHELL_SCRIPT];

/** Exit code of the as-user wrapper when the image has neither runuser nor su. */
export const NO_SWITCH_USER_EXIT = 125;

// The user name arrives as "$1" (validated before), never spliced into the script.
const AS_USER_SCRIPT = [
  'u="$1"',
  `inner='${SHELL_SCRIPT}'`,
  'if command -v runuser >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then exec runuser -u "$u" -- sh -c "$inner"; fi',
  'if command -v su >/dev/null 2>&1; then exec su -s /bin/sh "$u" -c "$inner"; fi',
  `echo "Open Terminal as User needs runuser (util-linux, as root) or su in the container; this image has neither." >&2`,
  `exit ${NO_SWITCH_USER_EXIT}`,
].join('\n');

export function asUserCommand(user: string): string[] {
  return ['sh', '-c', AS_USER_SCRIPT, 'k8s-sandbox', user];
}

export interface ShellPorts {
  /** Starts the exec (tty + stdin) at this size. */
  start(cols: number | undefined, rows: number | undefined): ExecSession;
  /** The container's state now; undefined when the pod is gone. May reject (network). */
  containerState(): Promise<ContainerState | undefined>;
  /** Injectable delay, so tests control time. */
  sleep(ms: number): Promise<void>;
}

export interface ShellOutput {
  write(text: string): void;
  /** The terminal should close (user pressed a key after the end, or disposed). */
  close(exitCode?: number): void;
}

export type ShellState = 'idle' | 'connecting' | 'running' | 'ended' | 'closed';

export interface ShellEnd {
  result: ExecResult;
  restart?: string;
}

const RECHECKS = 6;
const RECHECK_MS = 500;

export class ShellSession {
  private state_: ShellState = 'idle';
  private session: ExecSession | undefined;
  private pending: string[] = [];
  private size: { cols?: number; rows?: number } = {};
  private lastExit: number | undefined;
  private endListeners: Array<(e: ShellEnd) => void> = [];

  constructor(
    private readonly ports: ShellPorts,
    private readonly out: ShellOutput,
    private readonly label: { pod: string; container: string },
  ) {}

  get state(): ShellState {
    return this.state_;
  }

  /** Called with each end (exit, restart, drop), after the message is written. */
  onEnd(listener: (e: ShellEnd) => void): void {
    this.endListeners.push(listener);
  }

  open(cols?: number, rows?: number): void {
    if (cols && rows) this.size = { cols, rows };
    void this.connect();
  }

  input(data: string): void {
    switch (this.state_) {
      case 'running':
        this.session?.write(data);
        break;
      case 'idle':
      case 'connecting':
        this.pending.push(data);
        break;
      case 'ended':
        if (data.includes('\r') || data.includes('\n')) void this.connect();
        else this.dispose(this.lastExit);
        break;
      default:
        break;
    }
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.session?.resize(cols, rows);
  }

  dispose(exitCode?: number): void {
    if (this.state_ === 'closed') return;
    this.state_ = 'closed';
    this.session?.close();
    this.session = undefined;
    this.out.close(exitCode);
  }

  private async connect(): Promise<void> {
    this.state_ = 'connecting';
    const baseline = await this.ports.containerState().catch(() => undefined);
    if (this.isClosed()) return;
    const s = this.ports.start(this.size.cols, this.size.rows);
    this.session = s;
    this.state_ = 'running';
    for (const d of this.pending.splice(0)) s.write(d);
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    s.stdout.on('data', (c: Buffer) => this.out.write(out.write(c)));
    s.stderr.on('data', (c: Buffer) => this.out.write(err.write(c)));
    const result = await s.done;
    if (this.isClosed() || this.session !== s) return;
    this.session = undefined;
    await this.ended(result, baseline);
  }

  private async ended(result: ExecResult, baseline: ContainerState | undefined): Promise<void> {
    // A restart usually ends the exec first and shows in the pod status a moment later: re-check briefly
    // when the end looks abnormal (dropped socket, error, death by signal).
    const abnormal = result.reason === 'ConnectionLost' || result.reason === 'Error' || (result.exitCode ?? 0) >= 128;
    let restart: string | undefined;
    for (let i = 0; baseline && i <= (abnormal ? RECHECKS : 0); i++) {
      if (i > 0) await this.ports.sleep(RECHECK_MS);
      if (this.isClosed()) return;
      const now = await this.ports.containerState().catch(() => baseline);
      const cmp = compareStates(baseline, now);
      if (cmp.restarted) {
        restart = describeRestart(cmp, this.label.container, this.label.pod);
        break;
      }
    }
    if (this.isClosed()) return;
    this.state_ = 'ended';
    this.lastExit = result.exitCode ?? undefined;
    this.out.write(`\r\n\x1b[1m${endMessage(result, restart)}\x1b[0m\r\n`);
    for (const l of this.endListeners) l({ result, restart });
  }

  private isClosed(): boolean {
    return this.state_ === 'closed';
  }
}

export function endMessage(result: ExecResult, restart: string | undefined): string {
  if (restart) return `${restart}. Press Enter to reconnect, any other key to close.`;
  switch (result.reason) {
    case 'Success':
    case 'NonZeroExitCode':
      if (result.exitCode === NO_SWITCH_USER_EXIT)
        return `Could not switch user (exit code ${NO_SWITCH_USER_EXIT}). Press Enter to retry, any other key to close.`;
      return `Shell ended with exit code ${result.exitCode}. Press Enter to start a new shell, any other key to close.`;
    case 'ConnectionLost':
      return `Connection lost (${result.message ?? 'no exit status'}). Press Enter to reconnect, any other key to close.`;
    case 'Error':
      return `Could not start a shell: ${result.message ?? 'exec failed'}. Press Enter to retry, any other key to close.`;
  }
}
