// A local TCP endpoint whose every connection is carried to a pod port (a Kubernetes port-forward per
// connection, as `kubectl port-forward` does), so grpc-js can dial 127.0.0.1 like any address.
import * as net from 'node:net';

/** Bridges one local socket to the pod's port; rejects when the forward cannot start (403, no such pod). */
export type ForwardFn = (socket: net.Socket) => Promise<void>;

export class LocalForward {
  private readonly sockets = new Set<net.Socket>();
  private lastError: string | undefined;
  private closed = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async open(forward: ForwardFn): Promise<LocalForward> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const lf = new LocalForward(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => lf.accept(socket, forward));
    return lf;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Why the last forward failed (a failed upgrade says 403 for a missing pods/portforward permission). */
  get error(): string | undefined {
    return this.lastError;
  }

  private accept(socket: net.Socket, forward: ForwardFn): void {
    if (this.closed) return void socket.destroy();
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    forward(socket).then(
      () => (this.lastError = undefined),
      (err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
        socket.destroy();
      },
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}
