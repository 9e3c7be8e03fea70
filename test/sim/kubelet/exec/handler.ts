// Entry of `pods/{name}/exec`: the checks the API server makes before upgrading (answered as HTTP Status
// bodies, which kubectl also reads after its SPDY fallback), the WebSocket upgrade with subprotocol negotiation,
// and the kubelet's in-band errors (container not running) as a Status on channel 3.
import type http from 'node:http';
import type stream from 'node:stream';
import { WebSocketServer } from 'ws';
import type { KubeObject } from '../../store';
import type { ExecTarget } from '../../kubeletApi';
import { isRunning, type PodRuntime, type ContainerRuntime } from '../model';
import { ChannelConnection, EXEC_PROTOCOLS, internalErrorStatus, pickProtocol } from './channel';
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

function specContainers(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as Record<string, Array<{ name: string }> | undefined>;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map(
    (c) => c.name,
  );
}

export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (offered) => pickProtocol(offered) ?? false,
  });
  private readonly sessions = new Set<ExecSession>();

  constructor(private readonly deps: ExecDeps) {}

  handle(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: ExecTarget): void {
    socket.on('error', () => socket.destroy());
    const pod = this.deps.getPod(target.namespace, target.pod);
    if (!pod) {
      return writeHttpStatus(socket, 404, 'NotFound', `pods "${target.pod}" not found`, {
        name: target.pod,
        kind: 'pods',
      });
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
      return writeHttpStatus(socket, 400, 'BadRequest', `pod ${target.pod} does not have a host assigned`);
    }
    if (phase === 'Succeeded' || phase === 'Failed') {
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `cannot exec into a container in a completed pod; current phase is ${phase}`,
      );
    }
    const container = target.container || defaultContainer(pod);
    if (!container || !specContainers(pod).includes(container)) {
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `container ${container ?? ''} is not valid for pod ${target.pod}`,
      );
    }
    if (!target.command.length) {
      return writeHttpStatus(socket, 400, 'BadRequest', 'you must specify at least one command for the container');
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      // kubectl retries with SPDY/3.1 only after a failed WebSocket upgrade (or with
      // KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false); the simulator does not speak SPDY.
      return writeHttpStatus(
        socket,
        400,
        'BadRequest',
        `the simulated cluster streams exec over WebSocket only (${EXEC_PROTOCOLS.join(', ')}); SPDY/3.1 is not supported: do not set KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`,
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
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const protocol = pickProtocol([ws.protocol])!;
      const p = this.deps.runtime(target.namespace, target.pod);
      const c =
        p?.containers.find((x) => x.name === container) ??
        p?.init.find((x) => x.name === container) ??
        p?.ephemeral.find((x) => x.name === container);
      if (!p || !c || !isRunning(c) || p.terminating) {
        // Modern API servers upgrade first and report the kubelet's refusal in-band.
        const conn = new ChannelConnection(ws, protocol, {
          stdin: () => undefined,
          stdinEnd: () => undefined,
          resize: () => undefined,
          closed: () => undefined,
        });
        return conn.finish(internalErrorStatus(`unable to upgrade connection: container not found ("${container}")`));
      }
      let spec: Omit<SessionSpec, 'register'>;
      try {
        spec = this.deps.sessionSpec(p, c, { ...target, container });
      } catch (err) {
        const conn = new ChannelConnection(ws, protocol, {
          stdin: () => undefined,
          stdinEnd: () => undefined,
          resize: () => undefined,
          closed: () => undefined,
        });
        return conn.finish(
          internalErrorStatus(
            `error executing command in container: ${err instanceof Error ? err.message : String(err)}`,
          ),
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

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
