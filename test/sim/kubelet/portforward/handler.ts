// Entry of `pods/{name}/portforward` on the kubelet: the two wire forms real clients use.
// - WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl 1.31+, KEP-4006: SPDY tunnelled in binary messages), and the
//   plain `Upgrade: SPDY/3.1` kubectl falls back to: per forwarded connection the client opens an `error` and a
//   `data` stream carrying `port` and `requestID` headers; the kubelet replies to each, pipes the data stream to
//   the pod's port and writes a failure as text on the error stream.
// - WebSocket `v4.channel.k8s.io` / `v4.base64.channel.k8s.io` (client-node): one connection per `ports` entry,
//   channel 2i data and 2i+1 error, the first frame the kubelet sends on each carrying the port (uint16 LE).
import type http from 'node:http';
import type net from 'node:net';
import type stream from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeObject } from '../../store';
import { writeHttpStatus } from '../exec/handler';
import type { PodPorts } from './ports';
import { RST_PROTOCOL_ERROR, SpdySession, type Headers } from './spdy';

export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];
/** `ws` rejects a subprotocol with `/` (not an RFC 7230 token); the offer is renamed to this before the upgrade. */
const TUNNEL_TOKEN = 'x-sim-spdy-tunnel';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  /** From the `ports` query (required by the channel protocol, unused by SPDY). */
  ports: number[];
}

export interface PortForwardDeps {
  getPod(namespace: string, name: string): KubeObject | undefined;
  ports: PodPorts;
}

export class PortForwardServer {
  /** Sessions served per wire form (tests check kubectl did not silently fall back). */
  readonly served = { tunnel: 0, spdy: 0, channel: 0 };
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (offered) =>
      offered.has(TUNNEL_TOKEN) ? TUNNEL_PROTOCOL : (CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false),
  });

  constructor(private readonly deps: PortForwardDeps) {}

  handle(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: PortForwardTarget): void {
    socket.on('error', () => socket.destroy());
    const pod = this.deps.getPod(target.namespace, target.pod);
    if (!pod)
      return writeHttpStatus(socket, 404, 'NotFound', `pods "${target.pod}" not found`, {
        name: target.pod,
        kind: 'pods',
      });
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase !== 'Running')
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `pod ${target.pod} is not running (phase ${phase ?? 'Unknown'})`,
      );
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'spdy/3.1') {
      const protos = String(req.headers['x-stream-protocol-version'] ?? '')
        .split(',')
        .map((s) => s.trim());
      if (!protos.includes('portforward.k8s.io'))
        return writeHttpStatus(
          socket,
          400,
          'BadRequest',
          `unable to upgrade: unable to negotiate protocol: client supports [${protos.join(' ')}], server supports [portforward.k8s.io]`,
        );
      this.served.spdy++;
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
      );
      const s = socket as net.Socket;
      const session = this.spdy(
        pod,
        (b) => s.write(b),
        () => s.destroy(),
      );
      if (head.length) session.receive(head);
      s.on('data', (d: Buffer) => session.receive(d));
      s.on('close', () => session.closed());
      return;
    }
    if (upgrade !== 'websocket') return writeHttpStatus(socket, 400, 'BadRequest', 'Upgrade request required');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const tunnel = offered.includes(TUNNEL_PROTOCOL);
    if (!tunnel && target.ports.length === 0)
      return writeHttpStatus(socket, 400, 'BadRequest', 'query parameter "port" is required');
    if (tunnel) req.headers['sec-websocket-protocol'] = TUNNEL_TOKEN;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (ws.protocol === TUNNEL_PROTOCOL) {
        this.served.tunnel++;
        const session = this.spdy(
          pod,
          (b) => ws.send(b, { binary: true }),
          () => ws.terminate(),
        );
        ws.on('message', (d: Buffer) => session.receive(Buffer.isBuffer(d) ? d : Buffer.from(d as ArrayBuffer)));
        ws.on('close', () => session.closed());
        ws.on('error', () => ws.terminate());
      } else {
        this.served.channel++;
        channelForward(ws, pod, target.ports, this.deps.ports);
      }
    });
  }

  private spdy(pod: KubeObject, write: (b: Buffer) => void, kill: () => void): SpdyForward {
    return new SpdyForward(pod, this.deps.ports, write, kill);
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.deps.ports.closeAll();
  }
}

/** Opens the pod's port; rejects with the kubelet's message when nothing listens there. */
function openPort(pod: KubeObject, port: number, ports: PodPorts): Promise<net.Socket> {
  const ns = pod.metadata.namespace ?? '';
  const refused = (): Error =>
    new Error(
      `error forwarding port ${port} to pod ${pod.metadata.uid ?? ''}, uid : failed to execute portforward in network namespace: ` +
        `failed to connect to localhost:${port} inside namespace, IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
    );
  const dial = ports.dialer(pod, port);
  if (!dial) return Promise.reject(refused());
  return new Promise((resolve, reject) => {
    const s = dial();
    s.once('connect', () => {
      s.off('error', fail);
      ports.track(ns, pod.metadata.name, s);
      resolve(s);
    });
    const fail = (): void => reject(refused());
    s.once('error', fail);
  });
}

interface Pair {
  port: number;
  error?: number;
  data?: number;
  socket?: net.Socket;
  /** Client half-closed the data stream before the pod's port was open. */
  clientFin?: boolean;
  pending: Buffer[];
}

class SpdyForward {
  private readonly session: SpdySession;
  private readonly pairs = new Map<string, Pair>();
  private readonly byStream = new Map<number, string>();
  private lastStream = 0;
  private done = false;

  constructor(
    private readonly pod: KubeObject,
    private readonly ports: PodPorts,
    write: (b: Buffer) => void,
    private readonly kill: () => void,
  ) {
    this.session = new SpdySession((b) => !this.done && write(b), {
      synStream: (id, h, fin) => this.synStream(id, h, fin),
      data: (id, d, fin) => this.data(id, d, fin),
      rst: (id) => this.rst(id),
      goaway: () => this.closed(),
      error: () => this.closed(),
    });
  }

  receive(b: Buffer): void {
    this.session.receive(b);
  }

  closed(): void {
    if (this.done) return;
    this.done = true;
    for (const p of this.pairs.values()) p.socket?.destroy();
    this.pairs.clear();
    this.kill();
  }

  private synStream(id: number, h: Headers, _fin: boolean): void {
    this.lastStream = id;
    const type = h.get('streamtype')?.[0];
    const port = Number(h.get('port')?.[0]);
    const rid = h.get('requestid')?.[0] ?? '';
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      this.session.rstStream(id, RST_PROTOCOL_ERROR);
      return;
    }
    this.session.synReply(id);
    const k = `${rid}/${port}`;
    let p = this.pairs.get(k);
    if (!p) this.pairs.set(k, (p = { port, pending: [] }));
    p[type] = id;
    this.byStream.set(id, k);
    if (p.error !== undefined && p.data !== undefined) void this.forward(k, p);
  }

  private async forward(k: string, p: Pair): Promise<void> {
    let s: net.Socket;
    try {
      s = await openPort(this.pod, p.port, this.ports);
    } catch (e) {
      this.session.data(p.error!, Buffer.from((e as Error).message));
      this.finish(k, p);
      return;
    }
    if (this.done || !this.pairs.has(k)) return void s.destroy();
    p.socket = s;
    for (const b of p.pending) s.write(b);
    p.pending = [];
    if (p.clientFin) s.end();
    s.on('data', (d: Buffer) => this.session.data(p.data!, d));
    s.on('end', () => this.finish(k, p));
    s.on('error', () => this.finish(k, p));
    s.on('close', () => this.finish(k, p));
  }

  /** Both streams end with an empty FIN (a reset would read as an error and tear down kubectl's forward). */
  private finish(k: string, p: Pair): void {
    if (!this.pairs.has(k)) return;
    this.pairs.delete(k);
    if (p.data !== undefined) this.session.data(p.data, Buffer.alloc(0), true);
    if (p.error !== undefined) this.session.data(p.error, Buffer.alloc(0), true);
    p.socket?.end();
  }

  private data(id: number, d: Buffer, fin: boolean): void {
    const k = this.byStream.get(id);
    const p = k ? this.pairs.get(k) : undefined;
    if (!p || id !== p.data) return; // the error stream carries nothing from the client
    if (d.length) {
      if (p.socket) p.socket.write(d);
      else p.pending.push(d);
    }
    if (fin) {
      if (p.socket) p.socket.end();
      else p.clientFin = true;
    }
  }

  private rst(id: number): void {
    const k = this.byStream.get(id);
    const p = k ? this.pairs.get(k) : undefined;
    if (!k || !p) return;
    this.pairs.delete(k);
    p.socket?.destroy();
  }
}

/** The v4 channel protocol: one TCP connection per requested port for the life of the WebSocket. */
function channelForward(ws: WebSocket, pod: KubeObject, portList: number[], ports: PodPorts): void {
  const base64 = ws.protocol === 'v4.base64.channel.k8s.io';
  const send = (ch: number, data: Buffer): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String.fromCharCode(0x30 + ch) + data.toString('base64'), { binary: false });
    else ws.send(Buffer.concat([Buffer.from([ch]), data]), { binary: true });
  };
  const sockets: Array<net.Socket | undefined> = [];
  const pending: Buffer[][] = portList.map(() => []);
  let open = portList.length;
  const oneDone = (): void => {
    if (--open <= 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  portList.forEach((port, i) => {
    const le = Buffer.alloc(2);
    le.writeUInt16LE(port);
    send(2 * i, le);
    send(2 * i + 1, le);
    openPort(pod, port, ports).then(
      (s) => {
        if (ws.readyState !== ws.OPEN) return void s.destroy();
        sockets[i] = s;
        for (const b of pending[i]) s.write(b);
        s.on('data', (d: Buffer) => send(2 * i, d));
        s.once('close', oneDone);
        s.on('error', () => s.destroy());
      },
      (e: Error) => {
        send(2 * i + 1, Buffer.from(e.message));
        oneDone();
      },
    );
  });
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    let buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
    if (!buf.length) return;
    let ch = buf[0];
    buf = buf.subarray(1);
    if (!isBinary || base64) {
      ch -= 0x30;
      buf = Buffer.from(buf.toString('latin1'), 'base64');
    }
    if (ch % 2 !== 0 || ch / 2 >= portList.length || !buf.length) return;
    const s = sockets[ch / 2];
    if (s) s.write(buf);
    else pending[ch / 2].push(buf);
  });
  ws.on('close', () => sockets.forEach((s) => s?.destroy()));
  ws.on('error', () => ws.terminate());
}
