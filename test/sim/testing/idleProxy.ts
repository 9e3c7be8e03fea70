// A TCP proxy that behaves like a load balancer with an idle timeout that cuts silently: after `idleMs` without
// a byte in either direction it stops forwarding (blackholes) but keeps both sockets open, so neither end sees a
// close. `blackhole()` does the same at once to every connection.
import net from 'node:net';

export interface IdleProxy {
  port: number;
  /** Connections blackholed so far (by idleness or blackhole()). */
  readonly cut: number;
  /** Resolves when the next connection is cut. */
  nextCut(): Promise<void>;
  blackhole(): void;
  close(): Promise<void>;
}

export async function startIdleProxy(targetPort: number, idleMs: number): Promise<IdleProxy> {
  const conns = new Set<{ cut(): void; sockets: net.Socket[] }>();
  let cut = 0;
  let waiters: Array<() => void> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    let dead = false;
    let timer: NodeJS.Timeout | undefined;
    const conn = {
      sockets: [client, upstream],
      cut() {
        if (dead) return;
        dead = true;
        clearTimeout(timer);
        cut++;
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      },
    };
    const touch = (): void => {
      clearTimeout(timer);
      if (!dead) timer = setTimeout(() => conn.cut(), idleMs);
    };
    const forward = (from: net.Socket, to: net.Socket): void => {
      from.on('data', (d: Buffer) => {
        if (dead) return; // silently dropped
        touch();
        to.write(d);
      });
      from.on('end', () => !dead && to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        clearTimeout(timer);
        conns.delete(conn);
        to.destroy();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    conns.add(conn);
    touch();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    get cut() {
      return cut;
    },
    nextCut: () => new Promise<void>((r) => waiters.push(r)),
    blackhole() {
      for (const c of conns) c.cut();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of conns) for (const s of c.sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
