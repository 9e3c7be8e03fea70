// `GET pods/{name}/log`: the current (or previous) container instance's lines, tailLines, sinceTime/sinceSeconds,
// timestamps, and follow until the instance ends or the client leaves. Errors carry the API server's wording.
import type http from 'node:http';
import type { KubeObject } from '../store';
import type { LogsTarget as LogTarget } from '../kubeletApi';
import { rfc3339NanoFixed, type LogBuffer, type LogLine } from './logbuffer';
import type { PodRuntime } from './model';
import { findContainer } from './model';

function fail(res: http.ServerResponse, code: number, reason: string, message: string): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function serveLogs(
  target: LogTarget,
  res: http.ServerResponse,
  pod: KubeObject | undefined,
  p: PodRuntime | undefined,
): void {
  if (!pod) return fail(res, 404, 'NotFound', `pods "${target.pod}" not found`);
  const spec = (pod.spec ?? {}) as Record<string, Array<{ name: string }> | undefined>;
  const regular = (spec.containers ?? []).map((c) => c.name);
  const every = [
    ...regular,
    ...(spec.initContainers ?? []).map((c) => c.name),
    ...(spec.ephemeralContainers ?? []).map((c) => c.name),
  ];
  let name = target.container;
  if (!name) {
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (regular.length === 1) name = regular[0];
    else if (annotated && regular.includes(annotated)) name = annotated;
    else {
      return fail(
        res,
        400,
        'BadRequest',
        `a container name must be specified for pod ${target.pod}, choose one of: [${every.join(' ')}]`,
      );
    }
  }
  if (!every.includes(name))
    return fail(res, 400, 'BadRequest', `container ${name} is not valid for pod ${target.pod}`);
  const c = p ? findContainer(p, name) : undefined;
  const waiting = (reason: string): void =>
    fail(res, 400, 'BadRequest', `container "${name}" in pod "${target.pod}" is waiting to start: ${reason}`);
  if (!c) return waiting('ContainerCreating');
  let buffer: LogBuffer | undefined;
  if (target.previous) {
    buffer = c.previousLog;
    if (!buffer)
      return fail(res, 400, 'BadRequest', `previous terminated container "${name}" in pod "${target.pod}" not found`);
  } else if ('waiting' in c.state) {
    // While in back-off the kubelet serves the last (dead) instance.
    buffer = c.previousLog;
    if (!buffer || c.state.waiting.reason !== 'CrashLoopBackOff') return waiting(c.state.waiting.reason);
  } else {
    buffer = c.log;
  }
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  // As the kubelet: the tail first, then lines older than `since` left out, then the timestamp prefix.
  const since = target.sinceMs !== undefined ? BigInt(target.sinceMs) * 1_000_000n : undefined;
  const shown = (l: LogLine): string | undefined =>
    since !== undefined && l.ns < since
      ? undefined
      : target.timestamps
        ? `${rfc3339NanoFixed(l.ns)} ${l.text}`
        : l.text;
  const lines = buffer.snapshot(target.tailLines).flatMap((l) => shown(l) ?? []);
  if (lines.length) res.write(lines.join('\n') + '\n');
  if (!target.follow || buffer.isEnded) return void res.end();
  const stop = buffer.follow({
    line: (l) => {
      const text = shown(l);
      if (text !== undefined) res.write(text + '\n');
    },
    end: () => res.end(),
  });
  res.on('close', stop);
}
