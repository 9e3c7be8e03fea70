// "Why not ready": the Warning events of a pod (scheduler, kubelet) reduced to the one worth showing. (A failed
// install prints the pod diagnostics through core/helm/diagnostics.ts.)
import { timeMs, type EventLike } from '../kube/objects';

export interface WarningVM {
  reason: string;
  message: string;
  count: number;
  /** Last seen (ms). */
  at?: number;
}

const eventTime = (e: EventLike): number =>
  timeMs(e.lastTimestamp) ?? timeMs(e.eventTime) ?? timeMs(e.firstTimestamp) ?? 0;

/**
 * The latest Warning event about this pod. Events of an earlier pod with the same name (a StatefulSet recreates
 * pods under the same name) carry another uid and are skipped.
 */
export function latestWarning(
  events: readonly EventLike[],
  pod: { uid?: string; name: string },
): WarningVM | undefined {
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
  return {
    reason: best.reason ?? 'Warning',
    message: best.message ?? '',
    count: best.count ?? 1,
    at: bestAt > 0 ? bestAt : undefined,
  };
}

/** Short text for a row: what the scheduler/kubelet said, in a few words. */
export function warningSummary(w: WarningVM, runtimeClass?: string): string {
  if (w.reason === 'FailedScheduling') {
    if (/didn't match Pod's node affinity\/selector/.test(w.message))
      return runtimeClass ? `Pending: no ${runtimeClass} node` : 'Pending: no matching node';
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
