// pods/exec, pods/attach, pods/log, pods/eviction, pods/binding: validation here, streaming in the kubelet.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OwnerIndex } from '../deletion';
import { deleteObject } from '../deletion';
import type { AttachTarget, ExecTarget, KubeletLike, LogsTarget, PortForwardTarget } from '../kubeletApi';
import { resources } from '../resources';
import { ApiError, notFound, type KubeObject, type Store } from '../store';
import { decodeBody } from './body';
import { queryBool as bool } from './query';
import { badRequest, invalid, sendJson } from './status';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are loosely typed JSON */

function containerOf(pod: any, requested: string | null, verb: 'exec' | 'log'): string {
  const names: string[] = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.ephemeralContainers ?? []),
  ].map((c: any) => c.name);
  if (requested) {
    if (!names.includes(requested))
      throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const main: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  if (main.length === 1) return main[0];
  const dflt = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (dflt && main.includes(dflt)) return dflt;
  if (verb === 'log')
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(' ')}]`,
    );
  throw badRequest(
    `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(' ')}]`,
  );
}

export function execTarget(store: Store, ns: string, name: string, q: URLSearchParams): ExecTarget {
  const pod = store.get(resources.pods, ns, name) as any;
  if (!pod) throw notFound(resources.pods, name);
  const container = containerOf(pod, q.get('container'), 'exec');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed')
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const command = q.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  return {
    namespace: ns,
    pod: name,
    container,
    command,
    stdin: bool(q, 'stdin'),
    stdout: bool(q, 'stdout'),
    stderr: bool(q, 'stderr'),
    tty: bool(q, 'tty'),
  };
}

/**
 * PodAttachOptions: the same container choice and host check as exec (the API server's streamLocation), no
 * command; whether the pod still runs is the kubelet's business.
 */
export function attachTarget(store: Store, ns: string, name: string, q: URLSearchParams): AttachTarget {
  const pod = store.get(resources.pods, ns, name) as any;
  if (!pod) throw notFound(resources.pods, name);
  const container = containerOf(pod, q.get('container'), 'exec');
  if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  return {
    namespace: ns,
    pod: name,
    container,
    stdin: bool(q, 'stdin'),
    stdout: bool(q, 'stdout'),
    stderr: bool(q, 'stderr'),
    tty: bool(q, 'tty'),
  };
}

/** PodPortForwardOptions: `ports` repeated or comma-separated, each 1-65535. */
export function portForwardTarget(store: Store, ns: string, name: string, q: URLSearchParams): PortForwardTarget {
  const pod = store.get(resources.pods, ns, name) as any;
  if (!pod) throw notFound(resources.pods, name);
  const ports: number[] = [];
  for (const v of q.getAll('ports').flatMap((s) => s.split(','))) {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535)
      throw badRequest(`PodPortForwardOptions.ports: Invalid value: "${v}": must be between 1 and 65535, inclusive`);
    ports.push(n);
  }
  return { namespace: ns, pod: name, ports };
}

export function logsTarget(store: Store, ns: string, name: string, q: URLSearchParams): LogsTarget {
  const pod = store.get(resources.pods, ns, name) as any;
  if (!pod) throw notFound(resources.pods, name);
  const container = containerOf(pod, q.get('container'), 'log');
  const tail = q.get('tailLines');
  if (tail !== null && !/^\d+$/.test(tail))
    throw badRequest(`tailLines: Invalid value: "${tail}": must be a non-negative integer`);
  const sinceMs = logSince(name, q);
  return {
    namespace: ns,
    pod: name,
    container,
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    ...(tail !== null ? { tailLines: Number(tail) } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  };
}

/**
 * PodLogOptions sinceTime / sinceSeconds, as the API server decodes and validates them. sinceTime is a metav1.Time:
 * the API server passes it on to the kubelet in seconds, so a fraction is dropped.
 */
function logSince(name: string, q: URLSearchParams): number | undefined {
  const time = q.get('sinceTime');
  const seconds = q.get('sinceSeconds');
  const causes: Array<{ field: string; message: string; reason?: string }> = [];
  if (time !== null && seconds !== null)
    causes.push({ field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  else if (seconds !== null && (!/^-?\d+$/.test(seconds) || Number(seconds) < 1)) {
    if (!/^-?\d+$/.test(seconds)) throw badRequest(`sinceSeconds: Invalid value: "${seconds}": must be an integer`);
    causes.push({ field: 'sinceSeconds', message: `Invalid value: ${seconds}: must be greater than 0` });
  }
  if (causes.length) throw invalid({ ...resources.pods, kind: 'PodLogOptions' }, name, causes);
  if (seconds !== null) return Date.now() - Number(seconds) * 1000;
  if (time === null) return undefined;
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(time) ? Date.parse(time) : NaN;
  if (Number.isNaN(ms))
    throw badRequest(`parsing time "${time}" as "2006-01-02T15:04:05Z07:00": cannot parse "${time}" as RFC 3339`);
  return Math.floor(ms / 1000) * 1000;
}

/** The kubelet that would serve exec/log, or the apiserver's error when there is none. */
export function requireKubelet(k: KubeletLike | undefined): KubeletLike {
  if (!k) throw new ApiError(503, 'ServiceUnavailable', 'no kubelet is running in this simulated cluster');
  return k;
}

export function serveExecUpgrade(
  kubelet: KubeletLike | undefined,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: ExecTarget,
): void {
  requireKubelet(kubelet).handleExec(req, socket, head, target);
}

export function serveAttachUpgrade(
  kubelet: KubeletLike | undefined,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: AttachTarget,
): void {
  requireKubelet(kubelet).handleAttach(req, socket, head, target);
}

export function serveLogs(kubelet: KubeletLike | undefined, target: LogsTarget, res: ServerResponse): void {
  requireKubelet(kubelet).logs(target, res);
}

/** POST pods/eviction: a graceful delete (no PodDisruptionBudgets in the sim). */
export function evict(
  store: Store,
  owners: OwnerIndex,
  ns: string,
  name: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  const ev = (decodeBody(body, req.headers['content-type']) ?? {}) as {
    deleteOptions?: { gracePeriodSeconds?: number };
  };
  deleteObject(store, owners, resources.pods, ns, name, ev.deleteOptions ?? {});
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** POST pods/binding: what a scheduler does. */
export function bind(
  store: Store,
  ns: string,
  name: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  const b = decodeBody(body, req.headers['content-type']) as { target?: { name?: string } } | undefined;
  const node = b?.target?.name;
  if (!node) throw badRequest('binding target name is required');
  const pod = store.mustGet(resources.pods, ns, name) as KubeObject & { spec: any };
  if (pod.spec.nodeName)
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`,
    );
  pod.spec.nodeName = node;
  store.update(resources.pods, pod, { checkResourceVersion: false });
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
