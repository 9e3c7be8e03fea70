// "Why not ready": the Warning events of a pod (scheduler, kubelet) reduced to the one worth showing, and the
// pod diagnostics inspect_k8s_sandbox prints on a failed install (container states + recent Warning events).
import { timeMs, type EventLike } from './objects';

export interface WarningVM {
  reason: string;
  message: string;
  count: number;
  /** Last seen (ms). */
  at?: number;
}

const eventTime = (e: EventLike): number => timeMs(e.lastTimestamp) ?? timeMs(e.eventTime) ?? timeMs(e.firstTimestamp) ?? 0;

/**
 * The latest Warning event about this pod. Events of an earlier pod with the same name (a StatefulSet recreates
 * pods under the same name) carry another uid and are skipped.
 */
export function latestWarning(events: readonly EventLike[], pod: { uid?: string; name: string }): WarningVM | undefined {
  let best: EventLike | undefined;
  let bestAt = -1;
  for (const e of events) {
    const o = e.involvedObject;
    if (e.type !== 'Warning' || o?.kind !== 'Pod' || o.name !== pod.name) continue;
    if (pod.uid && o.uid && o.uid !== pod.uid) continue;
    const at = eventTime(e);
    if (at >= bestAt) {
      best = e;
      bestAt = at;
    }
  }
  if (!best) return undefined;
  return { reason: best.reason ?? 'Warning', message: best.message ?? '', count: best.count ?? 1, at: bestAt > 0 ? bestAt : undefined };
}

/** Short text for a row: what the scheduler/kubelet said, in a few words. */
export function warningSummary(w: WarningVM, runtimeClass?: string): string {
  if (w.reason === 'FailedScheduling') {
    if (/didn't match Pod's node affinity\/selector/.test(w.message)) return runtimeClass ? `Pending: no ${runtimeClass} node` : 'Pending: no matching node';
    const insufficient = /Insufficient (\w+)/.exec(w.message);
    if (insufficient) return `Pending: no ${insufficient[1]}`;
    if (/were unschedulable/.test(w.message)) return 'Pending: nodes cordoned';
    return 'Pending: unschedulable';
  }
  if (w.reason === 'FailedCreatePodSandBox') {
    const handler = /no runtime for "([^"]+)"/.exec(w.message)?.[1];
    return handler ? `No runtime handler ${handler}` : 'Sandbox create failed';
  }
  if (w.reason === 'Failed' && /ErrImagePull|pull/i.test(w.message)) return 'ErrImagePull';
  if (w.reason === 'BackOff' && /pulling image/i.test(w.message)) return 'ImagePullBackOff';
  return w.reason;
}

/** What a failed install prints per pod, as inspect does: container states and the recent Warning events. */
export interface PodDiagnosticsInput {
  name: string;
  phase: string;
  containers: Array<{ name: string; state: string; reason?: string; message?: string; restarts: number; lastReason?: string }>;
  warnings: readonly EventLike[];
}

export function podDiagnostics(pods: readonly PodDiagnosticsInput[], maxEvents = 5): string[] {
  const out: string[] = [];
  for (const p of pods) {
    out.push(`Pod ${p.name}: ${p.phase}`);
    for (const c of p.containers) {
      const why = [c.reason, c.message].filter(Boolean).join(': ');
      const restarts = c.restarts ? `, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}${c.lastReason ? ` (last ${c.lastReason})` : ''}` : '';
      out.push(`  container ${c.name}: ${c.state}${why ? ` (${why})` : ''}${restarts}`);
    }
    const recent = [...p.warnings].filter((e) => e.type === 'Warning').sort((a, b) => eventTime(b) - eventTime(a)).slice(0, maxEvents);
    for (const e of recent) out.push(`  Warning ${e.reason ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`);
  }
  return out;
}
