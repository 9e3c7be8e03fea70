// startExec over client-node's Exec (WebSocket, v5 channel protocol). We keep the socket it returns to send
// resize frames (channel 4) ourselves, to notice a drop without a status (ConnectionLost), and to ping it: a
// load balancer or proxy that cuts idle connections does so silently, and an unanswered ping is how we notice.
import { PassThrough } from 'node:stream';
import { Exec, type KubeConfig } from '@kubernetes/client-node';
import { resultFromStatus } from './status';
import type { ExecOptions, ExecResult, ExecSession, ExecTarget } from './types';

const RESIZE_CHANNEL = 4;
/** Default ping interval (setting k8sSandbox.keepaliveSeconds); a ping unanswered by the next one ends the session. */
export const DEFAULT_KEEPALIVE_SECONDS = 30;

/** The part of client-node's Exec we use; a seam for tests of the session logic. */
export interface ExecPort {
  exec(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    stdout: NodeJS.WritableStream | null,
    stderr: NodeJS.WritableStream | null,
    stdin: NodeJS.ReadableStream | null,
    tty: boolean,
    statusCallback?: (status: unknown) => void,
  ): Promise<SocketLike>;
}

export interface SocketLike {
  readyState: number;
  send(data: Buffer): void;
  close(): void;
  /** ws's WebSocket: ping frames and the abrupt close we use when pongs stop. */
  ping?(): void;
  terminate?(): void;
  on?(event: 'close' | 'pong', listener: () => void): unknown;
  addEventListener?(event: 'close', listener: () => void): unknown;
}

export function startExec(kc: KubeConfig, target: ExecTarget, opts: ExecOptions = {}, port?: ExecPort): ExecSession {
  const exec = port ?? (new Exec(kc) as unknown as ExecPort);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = opts.stdin ? new PassThrough() : null;
  const tty = opts.tty === true;
  let socket: SocketLike | undefined;
  let closedByUs = false;
  let keepaliveLost: string | undefined;
  let pinger: NodeJS.Timeout | undefined;
  let status: ExecResult | undefined;
  let size = opts.cols && opts.rows ? { cols: opts.cols, rows: opts.rows } : undefined;
  let settle!: (r: ExecResult) => void;
  let settled = false;
  const done = new Promise<ExecResult>((resolve) => {
    settle = (r) => {
      if (settled) return;
      settled = true;
      // client-node ends the streams on a status; on a drop or error we do.
      if (!stdout.writableEnded) stdout.end();
      if (!stderr.writableEnded) stderr.end();
      resolve(r);
    };
  });

  const sendSize = () => {
    if (!tty || !size || !socket || socket.readyState !== 1) return;
    const json = JSON.stringify({ Width: size.cols, Height: size.rows });
    socket.send(Buffer.concat([Buffer.from([RESIZE_CHANNEL]), Buffer.from(json + '\n')]));
  };

  // With a tty the server merges stderr into stdout (kubectl drops stderr too).
  exec
    .exec(
      target.namespace,
      target.pod,
      target.container,
      target.command,
      stdout,
      tty ? null : stderr,
      stdin,
      tty,
      (s) => {
        status = resultFromStatus(s);
      },
    )
    .then(
      (ws) => {
        socket = ws;
        const onClose = () => {
          clearInterval(pinger);
          settle(
            status ?? {
              exitCode: null,
              reason: 'ConnectionLost',
              message: keepaliveLost ?? (closedByUs ? 'closed' : 'connection closed without an exit status'),
            },
          );
        };
        if (ws.on) ws.on('close', onClose);
        else ws.addEventListener?.('close', onClose);
        if (ws.readyState >= 2) onClose();
        if (closedByUs) ws.close();
        else sendSize();
        const every = opts.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS;
        if (every > 0 && ws.ping && ws.on && ws.readyState === 1) {
          let awaiting = false;
          ws.on('pong', () => (awaiting = false));
          pinger = setInterval(() => {
            if (ws.readyState !== 1) return clearInterval(pinger);
            if (awaiting) {
              keepaliveLost = `no reply to a keepalive ping within ${every}s (an idle timeout on a proxy or load balancer may have cut the connection)`;
              clearInterval(pinger);
              return ws.terminate ? ws.terminate() : ws.close();
            }
            awaiting = true;
            ws.ping?.();
          }, every * 1000);
          pinger.unref?.();
        }
      },
      (e: unknown) => settle({ exitCode: null, reason: 'Error', message: connectMessage(e) }),
    );

  return {
    stdout,
    stderr,
    write(data) {
      if (stdin && !stdin.writableEnded) stdin.write(data);
    },
    endInput() {
      if (stdin && !stdin.writableEnded) stdin.end();
    },
    resize(cols, rows) {
      if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols <= 0 || rows <= 0) return;
      size = { cols, rows };
      sendSize();
    },
    close() {
      closedByUs = true;
      socket?.close();
      // A close handshake over a dead (blackholed) connection would wait for ws's 30 s close timeout.
      setTimeout(() => socket?.terminate?.(), 2000).unref?.();
    },
    done,
  };
}

function connectMessage(e: unknown): string {
  // The ws library reports a refused upgrade as "Unexpected server response: 403".
  if (e && typeof e === 'object') {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
    const inner = (e as { error?: { message?: unknown } }).error?.message;
    if (typeof inner === 'string' && inner) return inner;
  }
  return String(e);
}
