// Why an install failed, from the cluster: failing pods' container states and Warning events.
import type { CoreV1Event, KubeConfig, V1Pod } from '@kubernetes/client-node';
import { listObjects } from '../kube/objectApi';
import { INSTANCE_LABEL } from '../names/labels';

/** Short lines, most telling first. Never throws: diagnostics are best effort. */
export async function collectDiagnostics(
  kc: KubeConfig,
  namespace: string,
  release: string,
  objectNames: string[] = [],
): Promise<string[]> {
  const lines: string[] = [];
  let pods: V1Pod[] = [];
  try {
    pods = (await listObjects<V1Pod>(kc, 'v1', 'Pod', namespace, { labelSelector: `${INSTANCE_LABEL}=${release}` }))
      .items;
  } catch {
    // no pods to report
  }
  for (const p of pods) lines.push(...describePod(p));
  try {
    const names = new Set([...objectNames, ...pods.map((p) => p.metadata?.name ?? '')]);
    // Only Warnings, selected by the server (a busy namespace has thousands of Normal events). client-node has no
    // model named V1Event (it is CoreV1Event), so these stay plain JSON: times as strings, which `when` reads too.
    const events = (await listObjects<CoreV1Event>(kc, 'v1', 'Event', namespace, { fieldSelector: 'type=Warning' }))
      .items;
    lines.push(
      ...describeEvents(events, (name) => names.has(name) || name.startsWith(`${release}-`) || name === release),
    );
  } catch {
    // events are optional
  }
  return lines;
}

export function describePod(p: V1Pod): string[] {
  const name = p.metadata?.name ?? '?';
  const out: string[] = [];
  for (const c of p.status?.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.status === 'False')
      out.push(`Pod ${name}: not scheduled (${c.reason ?? ''}${c.message ? `: ${c.message}` : ''})`);
  }
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const w = s.state?.waiting;
    const t = s.state?.terminated;
    const last = s.lastState?.terminated;
    const restarts = s.restartCount ? `, ${s.restartCount} restart${s.restartCount === 1 ? '' : 's'}` : '';
    if (w && w.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') {
      out.push(
        `Pod ${name} container ${s.name}: ${w.reason}${w.message ? ` (${w.message})` : ''}${restarts}${last ? `, last exit ${last.exitCode} ${last.reason ?? ''}`.trimEnd() : ''}`,
      );
    } else if (t && t.exitCode !== 0) {
      out.push(`Pod ${name} container ${s.name}: terminated ${t.reason ?? ''} exit code ${t.exitCode}${restarts}`);
    } else if (!s.ready && last) {
      out.push(
        `Pod ${name} container ${s.name}: not ready${restarts}, last exit ${last.exitCode} ${last.reason ?? ''}`.trimEnd(),
      );
    } else if (!s.ready && s.state?.running) {
      out.push(`Pod ${name} container ${s.name}: running but not ready`);
    }
  }
  if (statuses.length === 0 && p.status?.phase === 'Pending' && out.length === 0) out.push(`Pod ${name}: Pending`);
  return out;
}

const when = (e: CoreV1Event): number =>
  new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime() || 0;

/** The recent Warning events of the release's objects, newest first (at most `max`). */
export function describeEvents(events: CoreV1Event[], concerns: (name: string) => boolean, max = 10): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of [...events].sort((a, b) => when(b) - when(a))) {
    if (out.length >= max) break;
    if (e.type !== 'Warning' || !concerns(e.involvedObject?.name ?? '')) continue;
    const line = `Warning ${e.reason ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.message ?? ''}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(e.count && e.count > 1 ? `${line} (×${e.count})` : line);
  }
  return out;
}
