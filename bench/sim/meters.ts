// What the bench counts on the simulated cluster's side: every API request (node's http diagnostics channel,
// in-process) and every byte between clients and the server (a TCP proxy the measured clients connect through,
// so TLS records and headers count as a network would see them).
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  watch: boolean;
  at: number;
}

export class RequestMeter {
  readonly seen: SeenRequest[] = [];
  private readonly onStart = (m: unknown): void => {
    const { request, socket } = m as { request: IncomingMessage; socket: Socket };
    if (socket.localPort !== this.port) return;
    const url = new URL(request.url ?? '/', 'http://sim');
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    this.seen.push({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, watch, at: Date.now() });
  };

  constructor(private readonly port: number) {
    diagnostics.subscribe('http.server.request.start', this.onStart);
  }

  dispose(): void {
    diagnostics.unsubscribe('http.server.request.start', this.onStart);
  }
}

export class CountingProxy {
  bytesUp = 0;
  bytesDown = 0;
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (d: Buffer) => (this.bytesUp += d.length));
      upstream.on('data', (d: Buffer) => (this.bytesDown += d.length));
      // pipe() ends each side once the other ended and what it sent is flushed; destroying on 'close' instead
      // cut off the tail of an answer the client had not read yet (a server that closes after answering).
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)),
    );
  }

  get open(): number {
    return this.sockets.size / 2;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
