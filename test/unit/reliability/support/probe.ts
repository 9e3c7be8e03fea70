// Watches the simulated API server from inside the process (node's http diagnostics channel): every request
// by method and path, the watch streams that are open right now, and the server's open connections. Lets the
// fault tests count retries, prove nothing deleted a namespace, and count leaked watches and sockets.
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isWatch } from '../../../sim/api/query';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** ms since the probe started. */
  at: number;
  watch: boolean;
  accept?: string;
  /** Response body bytes written so far (grows while a watch streams). */
  bytes: number;
  /** The response's HTTP status, once it was sent. */
  status?: number;
}

interface StartMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  server: Server;
}

const START = 'http.server.request.start';

export class ServerProbe {
  readonly requests: SeenRequest[] = [];
  private readonly open = new Set<ServerResponse>();
  private server: Server | undefined;
  private readonly t0 = Date.now();
  private readonly onStart = (m: unknown): void => this.record(m as StartMessage);

  constructor(private readonly port: number) {
    diagnostics.subscribe(START, this.onStart);
  }

  private record(m: StartMessage): void {
    if (m.socket.localPort !== this.port) return;
    this.server = m.server;
    const url = new URL(m.request.url ?? '/', 'http://sim');
    const watch = isWatch(url.searchParams) || url.pathname.includes('/watch/');
    const seen: SeenRequest = {
      method: m.request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      at: Date.now() - this.t0,
      watch,
      accept: m.request.headers.accept,
      bytes: 0,
    };
    this.requests.push(seen);
    m.response.once('finish', () => (seen.status = m.response.statusCode));
    // Count body bytes as the server writes them.
    const res = m.response as unknown as { write: (...a: unknown[]) => boolean; end: (...a: unknown[]) => unknown };
    const size = (c: unknown): number =>
      typeof c === 'string' ? Buffer.byteLength(c) : c instanceof Uint8Array ? c.length : 0;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = (...a: unknown[]) => ((seen.bytes += size(a[0])), write(...a));
    res.end = (...a: unknown[]) => ((seen.bytes += typeof a[0] === 'function' ? 0 : size(a[0])), end(...a));
    if (watch) {
      this.open.add(m.response);
      m.response.once('close', () => this.open.delete(m.response));
    }
  }

  /** Watch streams the server is serving now. */
  get openWatches(): number {
    return this.open.size;
  }

  /** Paths of the open watch streams (for messages). */
  openWatchPaths(): string[] {
    return [...this.open].map((r) => (r.req as IncomingMessage | undefined)?.url ?? '?');
  }

  /** Requests seen since `mark` (an index into `requests`). */
  since(mark: number): SeenRequest[] {
    return this.requests.slice(mark);
  }

  get mark(): number {
    return this.requests.length;
  }

  /** DELETE of a namespace object itself (`/api/v1/namespaces/<name>`), or a deletecollection of namespaces. */
  namespaceDeletes(): SeenRequest[] {
    return this.requests.filter((r) => r.method === 'DELETE' && /^\/api\/v1\/namespaces(\/[^/]+)?\/?$/.test(r.path));
  }

  /** Open TCP connections of the server (0 when it has not served a request yet). */
  connections(): Promise<number> {
    const s = this.server;
    if (!s || !s.listening) return Promise.resolve(0);
    return new Promise((resolve, reject) => s.getConnections((e, n) => (e ? reject(e) : resolve(n))));
  }

  dispose(): void {
    diagnostics.unsubscribe(START, this.onStart);
  }
}
