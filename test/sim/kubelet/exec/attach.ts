// One `pods/attach` session: the client joins the container's main process instead of starting a new one. The
// simulator has no real main process: its output is the container instance's log (what `kubectl logs` shows,
// and what containerd copies to attached clients), streamed from the moment of attaching, never replayed. For a
// container whose spec has `stdin: true` the main process reads what attached clients send and, line-buffered
// like an interactive shell or `cat`, writes each line back to its output (so it lands in the log too, as
// kubectl warns: "All commands and output from this session will be recorded in container logs").
// Without `stdin: true` the runtime has no stdin pipe and drops the input silently, as containerd does.
import type { WebSocket } from 'ws';
import type { LogBuffer } from '../logbuffer';
import type { ContainerRuntime } from '../model';
import { ChannelConnection, type ExecProtocol, STDOUT, successStatus } from './channel';

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  /** The main process's output is one stream here (the log), sent on stdout; stderr alone receives nothing. */
  stderr: boolean;
  /** From the container spec, not the request: a process's terminal cannot change after it started. */
  tty: boolean;
  /** The container spec's `stdin`: the runtime gave the main process a stdin pipe. */
  containerStdin: boolean;
  /** The container spec's `stdinOnce`: the pipe closes when the first attached client closes its stdin. */
  stdinOnce: boolean;
}

/** The main process's stdin, one per container instance (an instance is its log buffer). */
interface MainStdin {
  partial: string;
  closed: boolean;
}
const mainStdin = new WeakMap<LogBuffer, MainStdin>();

function stdinOf(log: LogBuffer): MainStdin {
  let s = mainStdin.get(log);
  if (!s) mainStdin.set(log, (s = { partial: '', closed: false }));
  return s;
}

export class AttachSession {
  private readonly conn: ChannelConnection;
  private readonly log: LogBuffer;
  private unfollow: () => void = () => undefined;
  private ended = false;

  constructor(
    ws: WebSocket,
    protocol: ExecProtocol,
    readonly container: ContainerRuntime,
    private readonly opts: AttachOptions,
    private readonly onEnd: () => void,
  ) {
    this.log = container.log;
    const input = opts.stdin && opts.containerStdin ? stdinOf(this.log) : undefined;
    this.conn = new ChannelConnection(ws, protocol, {
      stdin: (b) => {
        if (!input || input.closed) return;
        const lines = (input.partial + b.toString('utf8')).split('\n');
        input.partial = lines.pop() ?? '';
        for (const l of lines) this.log.append(l.replace(/\r$/, ''));
      },
      stdinEnd: () => {
        if (!input || input.closed) return;
        // containerd: with stdinOnce (and no tty) the container's stdin closes and output keeps flowing;
        // otherwise this client's end of stdin detaches it (the main process keeps its stdin).
        if (opts.stdinOnce && !opts.tty) {
          input.closed = true;
          if (input.partial) this.log.append(input.partial);
          input.partial = '';
        } else {
          this.finish();
        }
      },
      resize: () => undefined,
      closed: () => this.stop(),
    });
  }

  start(): void {
    const nl = this.opts.tty ? '\r\n' : '\n';
    this.unfollow = this.log.follow({
      line: (l) => {
        if (this.opts.stdout) this.conn.send(STDOUT, Buffer.from(l.text + nl));
      },
      // The main process ended (or the pod went away): the runtime's attach returns without an error.
      end: () => this.finish(),
    });
  }

  private finish(): void {
    if (this.ended) return;
    this.stop();
    this.conn.finish(successStatus());
  }

  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.unfollow();
    this.onEnd();
  }
}
