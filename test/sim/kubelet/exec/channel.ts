// The server side of the Kubernetes remotecommand WebSocket protocols: one frame per message whose first byte
// (or, for base64 protocols, first ASCII digit) is the channel. 0 stdin, 1 stdout, 2 stderr, 3 error/status,
// 4 resize; v5 adds 255 CLOSE (`[255, 0]` = stdin EOF). v4+ carry a JSON metav1.Status on channel 3.
import type { WebSocket } from 'ws';

/** Ours, in preference order (the server picks the first one the client offered). */
export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'base64.channel.k8s.io',
] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export function pickProtocol(offered: Iterable<string>): ExecProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return EXEC_PROTOCOLS.find((p) => set.has(p));
}

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** What the kubelet writes on channel 3 (json.Marshal of metav1.Status: no kind/apiVersion, empty metadata). */
export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason?: string; message: string }> };
  code?: number;
}

export const successStatus = (): ExecStatus => ({ metadata: {}, status: 'Success' });

/** As kubelet ServeExec reports an exit code (message text as containerd's CodeExitError formats it). */
export function exitStatus(command: string[], code: number): ExecStatus {
  if (code === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** apierrors.NewInternalError as the kubelet sends it when the runtime could not run the command at all. */
export function internalErrorStatus(message: string): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

export interface ChannelHandlers {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  resize(width: number, height: number): void;
  /** The client went away (before or after the status was sent). */
  closed(): void;
}

export class ChannelConnection {
  readonly base64: boolean;
  readonly v5: boolean;
  /** v4+ send a JSON Status; the v1 base64 protocol sends error text only. */
  readonly jsonStatus: boolean;
  private done = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly protocol: ExecProtocol,
    private readonly handlers: ChannelHandlers,
  ) {
    this.base64 = protocol.includes('base64');
    this.v5 = protocol.startsWith('v5.');
    this.jsonStatus = protocol !== 'base64.channel.k8s.io';
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.receive(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary),
    );
    ws.on('close', () => {
      this.closed = true;
      handlers.closed();
    });
    ws.on('error', () => ws.terminate());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes queued but not yet written to the socket (for back-pressure). */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  private receive(data: Buffer, _isBinary: boolean): void {
    if (data.length === 0) return;
    let channel: number;
    let payload: Buffer;
    if (this.base64) {
      channel = data[0] - 0x30;
      payload = Buffer.from(data.subarray(1).toString('latin1'), 'base64');
    } else {
      channel = data[0];
      payload = data.subarray(1);
    }
    if (channel === STDIN) {
      if (payload.length) this.handlers.stdin(payload);
    } else if (channel === RESIZE) {
      try {
        // Go's JSON decoder matches field names case-insensitively: client-node sends `width`/`height`.
        const raw = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
        const get = (k: string): unknown => Object.entries(raw).find(([key]) => key.toLowerCase() === k)?.[1];
        const w = get('width');
        const h = get('height');
        if (Number.isInteger(w) && Number.isInteger(h) && (w as number) > 0 && (h as number) > 0)
          this.handlers.resize(w as number, h as number);
      } catch {
        /* a malformed resize is ignored, as the kubelet's decoder loop does */
      }
    } else if (channel === CLOSE && this.v5) {
      if (payload[0] === STDIN) this.handlers.stdinEnd();
    }
  }

  /** Send on an output channel; `cb` fires when the frame was handed to the socket. */
  send(channel: number, data: Buffer, cb?: () => void): void {
    if (this.closed || this.done) {
      cb?.();
      return;
    }
    if (this.base64) {
      this.ws.send(String.fromCharCode(0x30 + channel) + data.toString('base64'), { binary: false }, () => cb?.());
      return;
    }
    const frame = Buffer.allocUnsafe(data.length + 1);
    frame[0] = channel;
    data.copy(frame, 1);
    this.ws.send(frame, { binary: true }, () => cb?.());
  }

  /** The one status message, then a close frame with 1000 (kubectl reads channel 3 until that close). */
  finish(status: ExecStatus): void {
    if (this.done) return;
    if (!this.closed) {
      if (this.jsonStatus) this.send(ERROR, Buffer.from(JSON.stringify(status)));
      else if (status.status === 'Failure') this.send(ERROR, Buffer.from(status.message ?? 'error'));
    }
    this.done = true;
    if (this.closed) return;
    this.ws.close(1000);
    // A client that never answers the close frame must not keep the socket open.
    const t = setTimeout(() => this.ws.terminate(), 5000);
    t.unref();
    this.ws.once('close', () => clearTimeout(t));
  }

  /** Drop the connection without a status (the container or the whole kubelet went away). */
  abort(): void {
    this.done = true;
    this.ws.terminate();
  }
}
