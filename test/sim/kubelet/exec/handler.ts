// Entry of `pods/{name}/exec` and `pods/{name}/attach`: the checks the API server makes before upgrading
// (answered as HTTP Status bodies, which kubectl also reads after its SPDY fallback), the WebSocket upgrade with
// subprotocol negotiation, and the kubelet's in-band errors (container not running) as a Status on channel 3.
import type http from 'node:http';
import type stream from 'node:stream';
import { WebSocketServer } from 'ws';
import type { KubeObject } from '../../store';
import type { WebSocket } from 'ws';
import type { AttachTarget, ExecTarget } from '../../kubeletApi';
import { findContainer, isRunning, type PodRuntime, type ContainerRuntime } from '../model';
import { AttachSession } from './attach';
import { ChannelConnection, EXEC_PROTOCOLS, type ExecProtocol, internalErrorStatus, pickProtocol } from './channel';
import { ExecSession, type SessionSpec } from './session';

export interface ExecDeps {
  getPod(namespace: string, name: string): KubeObject | undefined;
  runtime(namespace: string, name: string): PodRuntime | undefined;
  /** Everything the session needs for a running container. */
  sessionSpec(
    p: PodRuntime,
    c: ContainerRuntime,
    target: ExecTarget & { container: string },
  ): Omit<SessionSpec, 'register'>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/** A full metav1.Status (kind/apiVersion included so client-go decodes it as a StatusError). */
export function writeHttpStatus(
  socket: stream.Duplex,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function defaultContainer(pod: KubeObject): string | undefined {
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  return annotated && containers.includes(annotated) ? annotated : containers[0];
}

interface ContainerSpec {
  name: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

function specContainerList(pod: KubeObject): ContainerSpec[] {
  const spec = (pod.spec ?? {}) as Record<string, ContainerSpec[] | undefined>;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
}

function specContainers(pod: KubeObject): string[] {
  return specContainerList(pod).map((c) => c.name);
}

/** A client told, in-band, that the kubelet refused (modern API servers upgrade first). */
function refuse(ws: WebSocket, protocol: ExecProtocol, message: string): void {
  const conn = new ChannelConnection(ws, protocol, {
    stdin: () => undefined,
    stdinEnd: () => undefined,
    resize: () => undefined,
    closed: () => undefined,
  });
  conn.finish(internalErrorStatus(message));
}

export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (offered) => pickProtocol(offered) ?? false,
  });
  private readonly sessions = new Set<ExecSession>();
  private readonly attaches = new Set<AttachSession>();

  constructor(private readonly deps: ExecDeps) {}

  /** The pod and container both verbs need, or undefined after answering with the error. */
  private target(
    socket: stream.Duplex,
    target: { namespace: string; pod: string; container?: string },
    verb: 'exec' | 'attach',
  ): { pod: KubeObject; container: string } | undefined {
    const pod = this.deps.getPod(target.namespace, target.pod);
    if (!pod) {
      writeHttpStatus(socket, 404, 'NotFound', `pods "${target.pod}" not found`, {
        name: target.pod,
        kind: 'pods',
      });
      return undefined;
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
      writeHttpStatus(socket, 400, 'BadRequest', `pod ${target.pod} does not have a host assigned`);
      return undefined;
    }
    if (verb === 'exec' && (phase === 'Succeeded' || phase === 'Failed')) {
      writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `cannot exec into a container in a completed pod; current phase is ${phase}`,
      );
      return undefined;
    }
    const container = target.container || defaultContainer(pod);
    if (!container || !specContainers(pod).includes(container)) {
      writeHttpStatus(socket, 400, 'BadRequest', `container ${container ?? ''} is not valid for pod ${target.pod}`);
      return undefined;
    }
    return { pod, container };
  }

  /** The WebSocket upgrade with a subprotocol we speak, or the 400 a real server gives before upgrading. */
  private upgrade(
    req: http.IncomingMessage,
    socket: stream.Duplex,
    head: Buffer,
    verb: 'exec' | 'attach',
    then: (ws: WebSocket, protocol: ExecProtocol) => void,
  ): void {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      // kubectl retries with SPDY/3.1 only after a failed WebSocket upgrade (or with
      // KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false); the simulator does not speak SPDY.
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `the simulated cluster streams ${verb} over WebSocket only (${EXEC_PROTOCOLS.join(', ')}); SPDY/3.1 is not supported: do not set KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`,
      );
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!pickProtocol(offered)) {
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${EXEC_PROTOCOLS.join(' ')}]`,
      );
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => then(ws, pickProtocol([ws.protocol])!));
  }

  handle(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: ExecTarget): void {
    socket.on('error', () => socket.destroy());
    const found = this.target(socket, target, 'exec');
    if (!found) return;
    const { container } = found;
    if (!target.command.length) {
      return writeHttpStatus(socket, 400, 'BadRequest', 'you must specify at least one command for the container');
    }
    this.upgrade(req, socket, head, 'exec', (ws, protocol) => {
      const p = this.deps.runtime(target.namespace, target.pod);
      const c = p && findContainer(p, container);
      if (!p || !c || !isRunning(c) || p.terminating) {
        return refuse(ws, protocol, `unable to upgrade connection: container not found ("${container}")`);
      }
      let spec: Omit<SessionSpec, 'register'>;
      try {
        spec = this.deps.sessionSpec(p, c, { ...target, container });
      } catch (err) {
        return refuse(
          ws,
          protocol,
          `error executing command in container: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      const session: ExecSession = new ExecSession(ws, protocol, {
        ...spec,
        register: (h) => {
          c.execs.add(h);
          return () => {
            c.execs.delete(h);
            this.sessions.delete(session);
          };
        },
      });
      this.sessions.add(session);
      ws.once('close', () => this.sessions.delete(session));
      session.start();
    });
  }

  /**
   * `pods/attach`: the kubelet's GetAttach (the container must be running, its terminal setting comes from the
   * spec) and remotecommand's option check, then the session on the main process (attach.ts).
   */
  handleAttach(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: AttachTarget): void {
    socket.on('error', () => socket.destroy());
    const found = this.target(socket, target, 'attach');
    if (!found) return;
    const { pod, container } = found;
    const spec = specContainerList(pod).find((c) => c.name === container)!;
    const tty = spec.tty === true;
    // remotecommand.NewOptions: stderr is dropped with a tty; one stream at least.
    const stderr = target.stderr && !tty;
    if (!target.stdin && !target.stdout && !stderr) {
      return writeHttpStatus(socket, 400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
    }
    this.upgrade(req, socket, head, 'attach', (ws, protocol) => {
      const p = this.deps.runtime(target.namespace, target.pod);
      const c = p && findContainer(p, container);
      if (!p || !c || !isRunning(c) || p.terminating) {
        // The kubelet finds only running containers (GetPods(false)); its pod full name is name_namespace.
        return refuse(
          ws,
          protocol,
          `unable to upgrade connection: container ${container} not found in pod ${target.pod}_${target.namespace}`,
        );
      }
      const session: AttachSession = new AttachSession(
        ws,
        protocol,
        c,
        {
          stdin: target.stdin,
          stdout: target.stdout,
          stderr,
          tty,
          containerStdin: spec.stdin === true,
          stdinOnce: spec.stdinOnce === true,
        },
        () => this.attaches.delete(session),
      );
      this.attaches.add(session);
      session.start();
    });
  }

  /** Attached clients of a pod (or one of its containers) that the kubelet still streams to. */
  liveAttaches(runtime: PodRuntime, container?: string): number {
    const mine = new Set([...runtime.init, ...runtime.containers, ...runtime.ephemeral]);
    return [...this.attaches].filter((a) => mine.has(a.container) && (!container || a.container.name === container))
      .length;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
