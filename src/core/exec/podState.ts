// A container's identity and restart state, compared before and after an exec to tell a restart from an exit.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { readObject } from '../kube/objectApi';

export interface ContainerState {
  podUid: string;
  restartCount: number;
  /** The current state's terminated info, when the container is down right now. */
  terminated?: { reason?: string; exitCode: number };
  /** The previous instance's end (lastState.terminated). */
  lastTerminated?: { reason?: string; exitCode: number };
  running: boolean;
}

export function containerStateOf(pod: V1Pod, container: string): ContainerState | undefined {
  const s =
    pod.status?.containerStatuses?.find((c) => c.name === container) ??
    pod.status?.ephemeralContainerStatuses?.find((c) => c.name === container);
  const podUid = pod.metadata?.uid ?? '';
  if (!s) return { podUid, restartCount: 0, running: false };
  const term = s.state?.terminated;
  const last = s.lastState?.terminated;
  return {
    podUid,
    restartCount: s.restartCount ?? 0,
    running: !!s.state?.running,
    terminated: term ? { reason: term.reason, exitCode: term.exitCode } : undefined,
    lastTerminated: last ? { reason: last.reason, exitCode: last.exitCode } : undefined,
  };
}

/** undefined when the pod is gone (404); other errors propagate. */
export async function readContainerState(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
): Promise<ContainerState | undefined> {
  try {
    const p = await readObject<V1Pod>(kc, 'v1', 'Pod', namespace, pod);
    return containerStateOf(p, container);
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return undefined;
    throw e;
  }
}

export interface RestartReport {
  restarted: boolean;
  /** The pod was deleted or replaced (another UID under the same name). */
  podReplaced: boolean;
  podGone: boolean;
  restartsBefore: number;
  restartsAfter: number;
  /** Why the previous instance ended (OOMKilled, Error, …) and its exit code. */
  reason?: string;
  exitCode?: number;
  oomKilled: boolean;
}

export function compareStates(before: ContainerState | undefined, after: ContainerState | undefined): RestartReport {
  const restartsBefore = before?.restartCount ?? 0;
  const podGone = !!before && !after;
  const podReplaced = !!before && !!after && before.podUid !== after.podUid;
  const restartsAfter = after?.restartCount ?? 0;
  const restarted =
    podReplaced ||
    podGone ||
    (!!after && restartsAfter > restartsBefore) ||
    (!!after?.terminated && !after.running && !!before?.running);
  const end = after?.terminated ?? (restarted ? after?.lastTerminated : undefined);
  return {
    restarted,
    podReplaced,
    podGone,
    restartsBefore,
    restartsAfter,
    reason: end?.reason,
    exitCode: end?.exitCode,
    oomKilled: end?.reason === 'OOMKilled',
  };
}

export function describeRestart(r: RestartReport, container: string, pod: string): string {
  if (r.podGone) return `Pod ${pod} was deleted`;
  if (r.podReplaced) return `Pod ${pod} was replaced by a new pod${r.reason ? ` (${r.reason})` : ''}`;
  const why = [r.reason, r.exitCode !== undefined ? `exit code ${r.exitCode}` : undefined].filter(Boolean).join(', ');
  const count = r.restartsAfter > r.restartsBefore ? ` (restarts ${r.restartsBefore} → ${r.restartsAfter})` : '';
  return `Container ${container} restarted${why ? `: ${why}` : ''}${count}`;
}
