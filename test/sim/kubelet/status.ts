// Renders a pod's `status` from the kubelet's runtime model, field by field as a real kubelet reports it
// (pkg/kubelet/status/generate.go for the conditions and their reasons).
import type { KubeObject } from '../store';
import { type ContainerRuntime, imageIdOf, normalizeImage, nowIso, type PodCondition, type PodRuntime } from './model';

function containerStatus(c: ContainerRuntime): Record<string, unknown> {
  const running = 'running' in c.state;
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    image: normalizeImage(c.image),
    imageID: c.containerID ? imageIdOf(c.image) : '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: running && c.started,
  };
}

const names = (cs: ContainerRuntime[]): string => `[${cs.map((c) => c.name).join(' ')}]`;

function condition(p: PodRuntime, type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = p.transitions.get(type);
  const time = prev && prev.status === status ? prev.time : nowIso();
  p.transitions.set(type, { status, time });
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

function initIncomplete(p: PodRuntime): ContainerRuntime[] {
  return p.init.filter((c) =>
    c.sidecar ? !c.started : !('terminated' in c.state && c.state.terminated.exitCode === 0),
  );
}

export function renderConditions(p: PodRuntime, existing: PodCondition[] | undefined): PodCondition[] {
  const notInit = initIncomplete(p);
  const unready = [...p.init.filter((c) => c.sidecar), ...p.containers].filter((c) => !c.ready);
  const done = p.phase === 'Succeeded' ? 'PodCompleted' : p.phase === 'Failed' ? 'PodFailed' : undefined;
  const readyReason = done ?? (unready.length ? 'ContainersNotReady' : undefined);
  const readyMessage = !done && unready.length ? `containers with unready status: ${names(unready)}` : undefined;
  const ready = !done && unready.length === 0 && notInit.length === 0;
  const scheduled = existing?.find((c) => c.type === 'PodScheduled');
  return [
    condition(p, 'PodReadyToStartContainers', p.sandboxReady && !done),
    condition(
      p,
      'Initialized',
      notInit.length === 0,
      notInit.length ? 'ContainersNotInitialized' : done === 'PodCompleted' ? 'PodCompleted' : undefined,
      notInit.length ? `containers with incomplete status: ${names(notInit)}` : undefined,
    ),
    condition(p, 'Ready', ready, ready ? undefined : readyReason, ready ? undefined : readyMessage),
    condition(p, 'ContainersReady', ready, ready ? undefined : readyReason, ready ? undefined : readyMessage),
    ...p.extraConditions,
    scheduled ?? condition(p, 'PodScheduled', true),
  ];
}

/** The full status; `qosClass` and the scheduler's PodScheduled condition are kept from the stored object. */
export function renderStatus(p: PodRuntime, pod: KubeObject): Record<string, unknown> {
  const prev = (pod.status ?? {}) as Record<string, unknown>;
  const status: Record<string, unknown> = {
    phase: p.phase,
    conditions: renderConditions(p, prev.conditions as PodCondition[] | undefined),
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.message ? { message: p.message } : {}),
    hostIP: p.hostIP,
    hostIPs: [{ ip: p.hostIP }],
    ...(p.podIP ? { podIP: p.podIP, podIPs: [{ ip: p.podIP }] } : {}),
    startTime: p.startTime,
  };
  if (p.init.length) status.initContainerStatuses = p.init.map(containerStatus);
  status.containerStatuses = p.containers.map(containerStatus);
  if (p.ephemeral.length) status.ephemeralContainerStatuses = p.ephemeral.map(containerStatus);
  if (prev.qosClass) status.qosClass = prev.qosClass;
  return status;
}
