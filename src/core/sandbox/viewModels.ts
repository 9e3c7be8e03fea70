// Pure view-models of sandboxes from snapshots of the watch caches: no clients, no I/O, no clocks.
import { computePodQos } from '../kube/qos';
import { CREATOR_LABEL, INSTANCE_LABEL } from '../names/labels';
import { APP_TIMEOUT_ANNOTATION, DEADLINE_ANNOTATION, RISK_LEVEL_ANNOTATION } from '../timeouts/inspect';
import { isSandboxRelease, latestRevisions, type HelmRelease } from './helmRelease';
import type { ContainerNode, PodNode, ReleaseNode } from './nodes';
import { timeMs, type ContainerStatusLike, type EventLike, type PodLike, type StatefulSetLike } from '../kube/objects';
import { latestWarning, type WarningVM } from './warnings';
import { namespacedKey } from './releaseIndex';

export const SERVICE_LABEL = 'inspect/service';
/** What inspect_k8s_sandbox sets on every release (`--set annotations.inspectTaskName`, `--set labels.inspectSampleUUID`). */
export const TASK_ANNOTATION = 'inspectTaskName';
export const SAMPLE_LABEL = 'inspectSampleUUID';

export interface Termination {
  container: string;
  reason?: string;
  exitCode?: number;
  /** finishedAt (ms). */
  at?: number;
}

export interface ContainerVM {
  node: ContainerNode;
  name: string;
  kind: 'regular' | 'init' | 'ephemeral';
  image?: string;
  ready: boolean;
  restarts: number;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** waiting/terminated reason (CrashLoopBackOff, OOMKilled, Completed, ...). */
  reason?: string;
  message?: string;
  exitCode?: number;
  startedAt?: number;
  last?: Termination;
}

export interface ConditionVM {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  at?: number;
}

export interface PodVM {
  node: PodNode;
  name: string;
  uid?: string;
  service?: string;
  phase: string;
  /** Pod-level reason (Evicted, DeadlineExceeded, ...). */
  reason?: string;
  ready: boolean;
  deleting: boolean;
  qos?: string;
  runtimeClass?: string;
  nodeName?: string;
  podIP?: string;
  createdAt?: number;
  startTime?: number;
  readyAt?: number;
  /** Created → Ready (ms): shows a runtime class's start overhead (gVisor). */
  startupMs?: number;
  graceSeconds?: number;
  activeDeadlineSeconds?: number;
  images: string[];
  conditions: ConditionVM[];
  containers: ContainerVM[];
  restarts: number;
  lastRestart?: Termination;
  timeouts: Timeouts;
  task?: string;
  sampleUuid?: string;
  /** The latest Warning event of this pod (FailedScheduling, BackOff, FailedCreatePodSandBox, ...). */
  warning?: WarningVM;
}

export interface Timeouts {
  riskLevel?: string;
  appTimeoutSeconds?: number;
  deadlineSeconds?: number;
  graceSeconds?: number;
}

export interface ReleaseVM {
  node: ReleaseNode;
  name: string;
  namespace: string;
  revision: number;
  status: string;
  description?: string;
  chart: HelmRelease['chart'];
  firstDeployedAt?: number;
  lastDeployedAt?: number;
  creator?: string;
  /** Labels of the Helm release record (helm --labels): who and what installed it. */
  recordLabels: Record<string, string>;
  /** inspect's task name and sample UUID (undefined when the release was not installed by inspect). */
  task?: string;
  sampleUuid?: string;
  /** The runtime class most of its pods use: a pod on another one is worth a mention. */
  runtimeClass?: string;
  /** The values file it was installed from: the editor's records fill it in (the cluster does not know it). */
  valuesFile?: string;
  pods: PodVM[];
  /** Pods the release's StatefulSets ask for (or the pods seen when there are none). */
  expectedPods: number;
  readyPods: number;
  restarts: number;
  lastRestart?: Termination & { pod: string };
  nonGuaranteed: Array<{ pod: string; qos: string }>;
  /** RuntimeClasses the release needs that the cluster lacks (pods are rejected at admission). */
  missingRuntimeClasses: string[];
  /** Current FailedCreate warnings of its controllers (e.g. the admission error text). */
  failedCreates: string[];
  timeouts: Timeouts;
  failed: boolean;
  /** Its pods are still being listed (the first load): nothing about them is known yet. */
  podsLoading?: true;
}

/**
 * Reuses a pod's view-model while the watch cache holds the same pod object at the same resourceVersion (an
 * informer replaces the object on every change), so rebuilding a release after one pod event builds that pod
 * alone, and the others keep their view-models (the refresh compares them by identity first). Weak: entries go
 * with the objects.
 */
export class PodVMCache {
  private readonly byPod = new WeakMap<PodLike, { release: string; version: string; vm: PodVM }>();

  get(p: PodLike, release: string): PodVM {
    const version = p.metadata?.resourceVersion;
    if (!version) return podVM(p, release);
    const hit = this.byPod.get(p);
    if (hit && hit.release === release && hit.version === version) return hit.vm;
    const vm = podVM(p, release);
    this.byPod.set(p, { release, version, vm });
    return vm;
  }
}

/**
 * Whether two view-models hold the same values (plain data: objects, arrays, primitives). Compared with the
 * previous view-model instead of a kept serialisation: nothing per row stays on the heap, and the comparison
 * stops at the first difference.
 */
export function sameView(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return Array.isArray(a) === Array.isArray(b) && sameFields(a, b);
}

function sameFields(a: object, b: object, skip?: string): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (k === skip) continue;
    if (!(k in b) || !sameView((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Whether a release row shows the same (its pods' own values are theirs: only their names count here). */
export function sameRelease(a: ReleaseVM, b: ReleaseVM): boolean {
  if (a.pods.length !== b.pods.length || a.pods.some((p, i) => p.name !== b.pods[i].name)) return false;
  return sameFields(a, b, 'pods');
}

export interface SandboxSnapshot {
  releases: readonly HelmRelease[];
  pods: readonly PodLike[];
  statefulSets: readonly StatefulSetLike[];
  events: readonly EventLike[];
  /** Names of the cluster's RuntimeClasses; undefined when they cannot be read. */
  runtimeClasses?: readonly string[];
  /** Warning events of pods (any order; those of other pods are ignored). */
  podEvents?: readonly EventLike[];
  /** False while the pods (or StatefulSets) are still being listed: counts would read "0/0 ready". */
  podsListed?: boolean;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function terminationOf(container: string, s: ContainerStatusLike['lastState']): Termination | undefined {
  const t = s?.terminated;
  if (!t) return undefined;
  return { container, reason: t.reason, exitCode: t.exitCode, at: timeMs(t.finishedAt) };
}

function containerVM(
  pod: PodNode,
  kind: ContainerVM['kind'],
  spec: { name: string; image?: string },
  st: ContainerStatusLike | undefined,
): ContainerVM {
  // The kubelet sets one state; read them in its precedence all the same.
  const running = st?.state?.running;
  const waiting = running ? undefined : st?.state?.waiting;
  const terminated = running || waiting ? undefined : st?.state?.terminated;
  // One literal, every field in one order, so all containers share one hidden class (spreads of a base object
  // gave each its own, thousands of them).
  return {
    node: {
      kind: 'container' as const,
      namespace: pod.namespace,
      release: pod.release,
      pod: pod.pod,
      container: spec.name,
    },
    name: spec.name,
    kind,
    image: st?.image ?? spec.image,
    ready: st?.ready === true,
    restarts: st?.restartCount ?? 0,
    state: running ? 'running' : waiting ? 'waiting' : terminated ? 'terminated' : 'unknown',
    reason: (waiting ?? terminated)?.reason,
    message: (waiting ?? terminated)?.message,
    exitCode: terminated?.exitCode,
    startedAt: running ? timeMs(running.startedAt) : undefined,
    last: terminationOf(spec.name, st?.lastState),
  };
}

function timeoutsOf(annotations: Record<string, string>, grace?: number): Timeouts {
  return {
    riskLevel: annotations[RISK_LEVEL_ANNOTATION],
    appTimeoutSeconds: num(annotations[APP_TIMEOUT_ANNOTATION]),
    deadlineSeconds: num(annotations[DEADLINE_ANNOTATION]),
    graceSeconds: grace,
  };
}

export function podVM(p: PodLike, release: string, events?: readonly EventLike[]): PodVM {
  const meta = p.metadata ?? {};
  const node: PodNode = { kind: 'pod', namespace: meta.namespace ?? 'default', release, pod: meta.name ?? '' };
  const st = p.status ?? {};
  const statuses = new Map((st.containerStatuses ?? []).map((c) => [c.name, c]));
  const initStatuses = new Map((st.initContainerStatuses ?? []).map((c) => [c.name, c]));
  const containers = [
    ...(p.spec?.containers ?? []).map((c) => containerVM(node, 'regular', c, statuses.get(c.name))),
    ...(p.spec?.initContainers ?? []).map((c) => containerVM(node, 'init', c, initStatuses.get(c.name))),
    ...(st.ephemeralContainerStatuses ?? []).map((c) => containerVM(node, 'ephemeral', c, c)),
  ];
  const conditions = (st.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    at: timeMs(c.lastTransitionTime),
  }));
  const readyCond = conditions.find((c) => c.type === 'Ready');
  const ready = readyCond?.status === 'True';
  const createdAt = timeMs(meta.creationTimestamp);
  const readyAt = ready ? readyCond?.at : undefined;
  let lastRestart: Termination | undefined;
  for (const c of containers) {
    if (c.restarts > 0 && c.last && (!lastRestart || (c.last.at ?? 0) > (lastRestart.at ?? 0))) lastRestart = c.last;
  }
  const grace = p.spec?.terminationGracePeriodSeconds;
  return {
    node,
    name: node.pod,
    uid: meta.uid,
    service: meta.labels?.[SERVICE_LABEL],
    task: meta.annotations?.[TASK_ANNOTATION],
    sampleUuid: meta.labels?.[SAMPLE_LABEL],
    phase: st.phase ?? 'Unknown',
    reason: st.reason,
    ready,
    deleting: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    qos: st.qosClass ?? qosFromSpec(p),
    runtimeClass: p.spec?.runtimeClassName,
    nodeName: p.spec?.nodeName,
    podIP: st.podIP,
    createdAt,
    startTime: timeMs(st.startTime),
    readyAt,
    // Ready's transition time moves on every restart; only before the first one does it time the startup.
    startupMs:
      createdAt !== undefined &&
      readyAt !== undefined &&
      readyAt >= createdAt &&
      !containers.some((c) => c.restarts > 0)
        ? readyAt - createdAt
        : undefined,
    graceSeconds: grace,
    activeDeadlineSeconds: p.spec?.activeDeadlineSeconds,
    images: [
      ...new Set(
        containers
          .filter((c) => c.kind !== 'ephemeral')
          .map((c) => c.image)
          .filter((i): i is string => !!i),
      ),
    ],
    conditions,
    containers,
    restarts: containers.reduce((n, c) => n + c.restarts, 0),
    lastRestart,
    timeouts: timeoutsOf(meta.annotations ?? {}, grace),
    warning: events ? latestWarning(events, { uid: meta.uid, name: node.pod }) : undefined,
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** The most frequent value (ties: the first seen), ignoring undefined. */
function mostCommon(values: ReadonlyArray<string | undefined>): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (best === undefined || n > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}

/** The API server sets status.qosClass; compute it by the same rules if a server did not. */
function qosFromSpec(p: PodLike): string | undefined {
  if (!p.spec?.containers?.length) return undefined;
  try {
    return computePodQos(p.spec);
  } catch {
    return undefined; // a malformed quantity would have been rejected by a real server
  }
}

const RUNTIME_CLASS_NOT_FOUND = /RuntimeClass "([^"]+)" not found/;

/** One release's objects, already grouped: its records (any revisions), pods and StatefulSets, the FailedCreate
 * events of those StatefulSets, and events of its pods (only Warnings are read). */
export interface ReleaseObjects {
  releases: readonly HelmRelease[];
  pods: readonly PodLike[];
  statefulSets: readonly StatefulSetLike[];
  events: readonly EventLike[];
  podEvents: readonly EventLike[];
}

export interface BuildOptions {
  /** Names of the cluster's RuntimeClasses; undefined when they cannot be read. */
  runtimeClasses?: ReadonlySet<string>;
  /** False while the pods (or StatefulSets) are still being listed. */
  podsListed?: boolean;
  cache?: PodVMCache;
}

const cmpName = (a: PodVM, b: PodVM): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The view-model of one release (its latest revision), or undefined when none of its records is a sandbox's. */
export function releaseVM(o: ReleaseObjects, opts: BuildOptions = {}): ReleaseVM | undefined {
  const [r] = latestRevisions(o.releases.filter(isSandboxRelease)); // one release: at most one
  if (!r) return undefined;
  let warningsBy: Map<string, EventLike[]> | undefined;
  for (const e of o.podEvents) {
    if (e.type !== 'Warning' || e.involvedObject?.kind !== 'Pod' || !e.involvedObject.name) continue;
    const k = namespacedKey(e.involvedObject.namespace ?? e.metadata?.namespace, e.involvedObject.name);
    warningsBy ??= new Map();
    (warningsBy.get(k) ?? warningsBy.set(k, []).get(k)!).push(e);
  }
  const release = r.name;
  const pods = o.pods
    .map((p) => {
      const events = warningsBy?.get(namespacedKey(p.metadata?.namespace, p.metadata?.name ?? ''));
      // Cached view-models know nothing of events: a pod with warnings is built fresh (few pods have any).
      return events || !opts.cache ? podVM(p, release, events) : opts.cache.get(p, release);
    })
    .sort(cmpName);
  const sets = o.statefulSets;
  const expected = sets.length ? sets.reduce((n, x) => n + (x.spec?.replicas ?? 1), 0) : pods.length;
  const known = opts.runtimeClasses;
  const missing = new Set<string>();
  if (known) {
    for (const x of sets) {
      const rc = x.spec?.template?.spec?.runtimeClassName;
      if (rc && !known.has(rc)) missing.add(rc);
    }
  }
  // Old FailedCreate events outlive the problem; they matter only while pods are still missing.
  const failedCreates =
    pods.length < expected ? [...new Set(o.events.map((e) => e.message ?? '').filter(Boolean))] : [];
  if (!known)
    for (const m of failedCreates) {
      const rc = RUNTIME_CLASS_NOT_FOUND.exec(m)?.[1];
      if (rc) missing.add(rc);
    }
  let lastRestart: ReleaseVM['lastRestart'];
  let readyPods = 0;
  let restarts = 0;
  for (const p of pods) {
    if (p.ready) readyPods++;
    restarts += p.restarts;
    if (p.lastRestart && (!lastRestart || (p.lastRestart.at ?? 0) > (lastRestart.at ?? 0)))
      lastRestart = { ...p.lastRestart, pod: p.name };
  }
  const firstPod = pods[0];
  const valuesTimeouts = (r.values.timeouts ?? {}) as Record<string, unknown>;
  const valueMap = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return {
    node: { kind: 'release', namespace: r.namespace, release: r.name },
    name: r.name,
    namespace: r.namespace,
    revision: r.revision,
    status: r.status,
    description: r.description,
    chart: r.chart,
    firstDeployedAt: timeMs(r.firstDeployed),
    lastDeployedAt: timeMs(r.lastDeployed),
    creator: r.labels[CREATOR_LABEL],
    recordLabels: r.labels,
    // The values say what inspect asked for; the pods carry it too (e.g. when values are not readable).
    task: text(valueMap(r.values.annotations)[TASK_ANNOTATION]) ?? text(firstPod?.task),
    sampleUuid: text(valueMap(r.values.labels)[SAMPLE_LABEL]) ?? text(firstPod?.sampleUuid),
    runtimeClass: mostCommon(pods.map((p) => p.runtimeClass)),
    pods,
    expectedPods: Math.max(expected, pods.length),
    readyPods,
    restarts,
    lastRestart,
    nonGuaranteed: pods
      .filter((p) => p.qos && p.qos !== 'Guaranteed')
      .map((p) => ({ pod: p.name, qos: p.qos as string })),
    missingRuntimeClasses: [...missing].sort(),
    failedCreates,
    timeouts: firstPod
      ? firstPod.timeouts
      : {
          riskLevel: typeof valuesTimeouts.riskLevel === 'string' ? valuesTimeouts.riskLevel : undefined,
          appTimeoutSeconds: num(valuesTimeouts.appTimeoutSeconds),
          deadlineSeconds: num(valuesTimeouts.deadlineSeconds),
        },
    failed: r.status === 'failed',
    ...(opts.podsListed === false ? { podsLoading: true as const } : {}),
  };
}

/** Sandboxes (latest revision of each release that is ours) with their pods, sorted by namespace and name. */
export function buildReleases(s: SandboxSnapshot, cache?: PodVMCache): ReleaseVM[] {
  const groups = new Map<string, { [K in keyof ReleaseObjects]: Array<ReleaseObjects[K][number]> }>();
  const group = (k: string) =>
    groups.get(k) ?? groups.set(k, { releases: [], pods: [], statefulSets: [], events: [], podEvents: [] }).get(k)!;
  for (const r of s.releases) group(namespacedKey(r.namespace, r.name)).releases.push(r);
  const podRelease = new Map<string, string>(); // ns/pod -> release key
  for (const p of s.pods) {
    const rel = p.metadata?.labels?.[INSTANCE_LABEL];
    if (!rel) continue;
    const k = namespacedKey(p.metadata?.namespace, rel);
    group(k).pods.push(p);
    podRelease.set(namespacedKey(p.metadata?.namespace, p.metadata?.name ?? ''), k);
  }
  const stsRelease = new Map<string, string>(); // ns/stsName -> release key
  for (const sts of s.statefulSets) {
    const rel = sts.metadata?.labels?.[INSTANCE_LABEL];
    if (!rel) continue;
    const k = namespacedKey(sts.metadata?.namespace, rel);
    group(k).statefulSets.push(sts);
    stsRelease.set(namespacedKey(sts.metadata?.namespace, sts.metadata?.name ?? ''), k);
  }
  for (const e of s.events) {
    if (e.type !== 'Warning' || e.reason !== 'FailedCreate') continue;
    const k = stsRelease.get(
      namespacedKey(e.involvedObject?.namespace ?? e.metadata?.namespace, e.involvedObject?.name ?? ''),
    );
    if (k) group(k).events.push(e);
  }
  for (const e of s.podEvents ?? []) {
    const k = podRelease.get(
      namespacedKey(e.involvedObject?.namespace ?? e.metadata?.namespace, e.involvedObject?.name ?? ''),
    );
    if (k) group(k).podEvents.push(e);
  }
  const opts: BuildOptions = {
    runtimeClasses: s.runtimeClasses ? new Set(s.runtimeClasses) : undefined,
    podsListed: s.podsListed,
    cache,
  };
  const out: ReleaseVM[] = [];
  for (const g of groups.values()) {
    const vm = releaseVM(g, opts);
    if (vm) out.push(vm);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
}
