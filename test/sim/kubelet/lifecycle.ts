// The pod lifecycle half of the kubelet: starts the pods scheduled to our nodes (Pending -> ContainerCreating ->
// Running), restarts crashed containers with CrashLoopBackOff, enforces activeDeadlineSeconds, evicts, and
// finishes graceful deletion. Every change is written to the store as the pod's status.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recordEvent } from '../events';
import type { SimResources } from '../resources';
import type { KubeObject, Store, StoreEvent } from '../store';
import {
  type ContainerRuntime,
  containersOf,
  defaultHostIP,
  findContainer,
  IpAllocator,
  isRunning,
  newContainer,
  nowIso,
  type PodRuntime,
} from './model';
import { LogBuffer } from './logbuffer';
import { PodIO } from './podio';

export interface LifecycleOptions {
  /** Scheduled -> Running (ms). */
  startDelayMs: number;
  /** CrashLoopBackOff wait before the restart (ms); the reported back-off follows the real 10s doubling. */
  backoffMs: number;
  /** Upper bound of the simulated termination grace (ms). */
  graceCapMs: number;
  /** activeDeadlineSeconds are multiplied by this (1 = real seconds). */
  deadlineScale: number;
  /** How long a crash-looping container runs before it crashes again (ms). */
  crashLoopRunMs: number;
  /** Runtime handlers the nodes' container runtime has configured (a RuntimeClass naming another fails). */
  runtimeHandlers?: readonly string[];
}

/** What containerd on a typical gVisor-enabled node has configured. */
export const DEFAULT_RUNTIME_HANDLERS: readonly string[] = ['runc', 'runsc'];
const NOT_STARTED = new Set(['ContainerCreating', 'PodInitializing', 'ErrImagePull', 'ImagePullBackOff']);

export type CrashReason = 'OOMKilled' | 'Error' | 'Completed';

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

/** Path segments come from API names; refuse anything that could leave the work dir. */
const safe = (s: string): string => {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i.test(s)) throw new Error(`unsafe name for a path: ${JSON.stringify(s)}`);
  return s;
};

export class Lifecycle extends PodIO {
  private readonly pods = new Map<string, PodRuntime>();
  private readonly ips: IpAllocator;
  private endpointIds = new Map<string, number>();
  /** Pod directories this kubelet created (so idle pods cost no file system calls). */
  private readonly dirs = new Set<string>();
  private unsubscribe?: () => void;

  constructor(
    store: Store,
    res: SimResources,
    private readonly nodes: string[],
    private readonly workDir: string,
    private readonly opts: LifecycleOptions,
  ) {
    super(store, res, opts.crashLoopRunMs);
    this.ips = new IpAllocator(nodes);
  }

  protected override onCrashLoopDue(p: PodRuntime, c: ContainerRuntime): void {
    if (c.crashLoop && isRunning(c)) this.crash(p, c, c.crashLoop.reason, c.crashLoop.exitCode);
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    for (const pod of this.store.list(this.res.pods)) this.reconcile(pod);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const p of [...this.pods.values()]) this.release(p, false);
  }

  get(namespace: string, name: string): PodRuntime | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  all(): PodRuntime[] {
    return [...this.pods.values()];
  }

  /** The container's working directory, created on first use (thousands of idle pods need no files). */
  containerDir(p: PodRuntime, c: string): string {
    const dir = join(this.workDir, safe(p.namespace), safe(p.name), safe(c));
    mkdirSync(dir, { recursive: true });
    p.hasFiles = true;
    this.dirs.add(this.podDir(p));
    return dir;
  }

  private podDir(p: { namespace: string; name: string }): string {
    return join(this.workDir, safe(p.namespace), safe(p.name));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.resource !== 'pods' || e.resource.group !== '') return;
    if (e.type === 'DELETED') {
      const p = this.get(e.object.metadata.namespace ?? '', e.object.metadata.name);
      if (p && p.uid === e.object.metadata.uid) this.release(p, true);
      return;
    }
    this.reconcile(e.object);
  }

  private reconcile(pod: KubeObject): void {
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node || !this.nodes.includes(node)) return;
    const ns = pod.metadata.namespace ?? 'default';
    let p = this.get(ns, pod.metadata.name);
    if (p && p.uid !== pod.metadata.uid) {
      this.release(p, false);
      p = undefined;
    }
    if (!p) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;
      p = this.admit(pod, node);
    }
    if (pod.metadata.deletionTimestamp && !p.terminating) this.terminate(p, pod);
    else if (!p.terminating) this.addEphemeral(p, pod);
  }

  private admit(pod: KubeObject, node: string): PodRuntime {
    const ns = pod.metadata.namespace ?? 'default';
    const cs = containersOf(pod);
    const nodeObj = this.store.get(this.res.nodes, undefined, node);
    const addresses =
      (nodeObj?.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ?? [];
    const key = `${node}`;
    const ep = (this.endpointIds.get(key) ?? 100) + 1;
    this.endpointIds.set(key, ep);
    const p: PodRuntime = {
      uid: pod.metadata.uid ?? '',
      namespace: ns,
      name: pod.metadata.name,
      node,
      hostIP: addresses.find((a) => a.type === 'InternalIP')?.address ?? defaultHostIP(this.nodes, node),
      startTime: nowIso(),
      phase: 'Pending',
      sandboxReady: false,
      init: cs.init.map((c) => newContainer(c, 'init')),
      containers: cs.regular.map((c) => newContainer(c, 'regular')),
      ephemeral: [],
      neverReady: false,
      terminating: false,
      extraConditions: [],
      transitions: new Map(),
      timers: new Set(),
      endpointId: ep,
      hasFiles: false,
    };
    if (p.init.length) for (const c of p.containers) c.state = { waiting: { reason: 'PodInitializing' } };
    this.pods.set(`${ns}/${p.name}`, p);
    try {
      // A recreated pod starts with fresh files.
      if (this.dirs.delete(this.podDir(p))) rmSync(this.podDir(p), { recursive: true, force: true });
    } catch {
      /* a bad name: exec will refuse it too */
    }
    this.write(p);
    this.after(p, this.opts.startDelayMs, () => this.sandboxReady(p));
    const deadline = (pod.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds;
    if (typeof deadline === 'number' && deadline > 0) {
      this.after(p, deadline * 1000 * this.opts.deadlineScale, () => this.deadlineExceeded(p));
    }
    return p;
  }

  private sandboxReady(p: PodRuntime): void {
    const pod = this.store.get(this.res.pods, p.namespace, p.name);
    const rcName = (pod?.spec as { runtimeClassName?: string } | undefined)?.runtimeClassName;
    const handler = rcName
      ? (this.store.get(this.res.runtimeclasses, undefined, rcName) as { handler?: string } | undefined)?.handler
      : undefined;
    if (handler && !(this.opts.runtimeHandlers ?? DEFAULT_RUNTIME_HANDLERS).includes(handler)) {
      // containerd has no such runtime: the sandbox is never created, the pod stays ContainerCreating.
      this.event(
        p,
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "${handler}" is configured`,
        'Warning',
      );
      this.after(p, this.opts.backoffMs * 4, () => this.sandboxReady(p));
      return;
    }
    p.sandboxReady = true;
    // hostNetwork pods (the Cilium agent) share the node's address.
    p.podIP = (pod?.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork ? p.hostIP : this.ips.allocate(p.node);
    this.runInit(p, 0);
  }

  /** Init containers run one after another; restartable ones (sidecars) keep running. */
  private runInit(p: PodRuntime, i: number): void {
    if (p.terminating) return;
    if (i >= p.init.length) {
      for (const c of p.containers) this.startContainer(p, c);
      this.settleStarted(p);
      this.write(p);
      return;
    }
    const c = p.init[i];
    if (!this.startContainer(p, c)) return; // its pull is retried (onPullRetry)
    this.write(p);
    this.initStarted(p, c, i);
  }

  private initStarted(p: PodRuntime, c: ContainerRuntime, i: number): void {
    this.after(p, this.opts.startDelayMs, () => {
      if (!c.sidecar) this.finish(c, 0, 'Completed');
      this.runInit(p, i + 1);
    });
  }

  /** Running once every container has started; Pending while one still waits for its image. */
  private settleStarted(p: PodRuntime): void {
    p.phase = p.containers.some((c) => 'waiting' in c.state && NOT_STARTED.has(c.state.waiting.reason))
      ? 'Pending'
      : 'Running';
  }

  protected override onPullRetry(p: PodRuntime, c: ContainerRuntime): void {
    if (!this.startContainer(p, c)) return;
    if (c.kind === 'init') {
      this.write(p);
      this.initStarted(p, c, p.init.indexOf(c));
      return;
    }
    this.settleStarted(p);
    this.write(p);
  }

  /** Crash a running container: restartCount+1, lastState terminated, CrashLoopBackOff, then running again. */
  crash(p: PodRuntime, c: ContainerRuntime, reason: CrashReason, exitCode: number): void {
    if (!isRunning(c)) throw new Error(`container ${c.name} of pod ${p.namespace}/${p.name} is not running`);
    c.log.append(reason === 'OOMKilled' ? 'Killed' : `${nowIso()} fatal: exiting with status ${exitCode}`);
    this.finish(c, exitCode, reason);
    if (reason === 'OOMKilled') {
      recordEvent(this.store, {
        involvedObject: { apiVersion: 'v1', kind: 'Node', metadata: { name: p.node, uid: p.node } },
        reason: 'OOMKilling',
        message: `Memory cgroup out of memory: Killed process ${4000 + c.restartCount} (${c.name}) in pod ${p.namespace}/${p.name}`,
        type: 'Warning',
        source: 'kernel-monitor',
        host: p.node,
      });
    }
    const policy = this.restartPolicy(p);
    const restart =
      c.kind === 'ephemeral' ? false : c.sidecar || policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      this.settlePhase(p);
      this.write(p);
      return;
    }
    c.previousLog = c.log;
    c.log = new LogBuffer();
    c.lastState = c.state;
    c.restartCount += 1;
    const backoff = Math.min(10 * 2 ** (c.restartCount - 1), 300);
    c.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${backoff < 60 ? `${backoff}s` : `${Math.floor(backoff / 60)}m${backoff % 60 ? `${backoff % 60}s` : ''}`} restarting failed container=${c.name} pod=${p.name}_${p.namespace}(${p.uid})`,
      },
    };
    this.event(
      p,
      'BackOff',
      `Back-off restarting failed container ${c.name} in pod ${p.name}_${p.namespace}(${p.uid})`,
      'Warning',
    );
    this.write(p);
    this.after(p, this.opts.backoffMs, () => {
      if (p.terminating || p.phase === 'Failed') return;
      this.startContainer(p, c);
      this.write(p);
    });
  }

  private restartPolicy(p: PodRuntime): string {
    const pod = this.store.get(this.res.pods, p.namespace, p.name);
    return (pod?.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always';
  }

  /** Without restarts a pod ends once every regular container terminated. */
  private settlePhase(p: PodRuntime): void {
    const ends = p.containers.map((c) => ('terminated' in c.state ? c.state.terminated.exitCode : undefined));
    if (ends.some((e) => e === undefined)) return;
    p.phase = ends.every((e) => e === 0) ? 'Succeeded' : 'Failed';
  }

  setNeverReady(p: PodRuntime, on: boolean): void {
    p.neverReady = on;
    this.refreshReadiness(p);
  }

  refreshReadiness(p: PodRuntime): void {
    for (const c of [...p.containers, ...p.init.filter((i) => i.sidecar)])
      c.ready = isRunning(c) && !p.neverReady && this.readyOverride(p);
    this.write(p);
  }

  /** Node-pressure eviction: the pod fails with reason Evicted; its workload controller replaces it. */
  evict(p: PodRuntime, message?: string): void {
    const c0 = p.containers[0];
    const msg =
      message ??
      `The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container ${c0?.name ?? 'app'} was using 1Gi, request is 0, has larger consumption of memory.`;
    this.kill(p);
    for (const c of [...p.init, ...p.containers]) {
      if (isRunning(c) || 'waiting' in c.state)
        this.finish(c, 137, 'ContainerStatusUnknown', 'The container could not be located when the pod was terminated');
    }
    p.phase = 'Failed';
    p.reason = 'Evicted';
    p.message = msg;
    p.extraConditions = [
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'TerminationByKubelet',
        message: msg,
        lastTransitionTime: nowIso(),
        lastProbeTime: null,
      },
    ];
    this.event(p, 'Evicted', msg, 'Warning');
    this.write(p);
  }

  private deadlineExceeded(p: PodRuntime): void {
    if (p.terminating || p.phase === 'Failed' || p.phase === 'Succeeded') return;
    this.kill(p);
    for (const c of [...p.init, ...p.containers]) {
      if (isRunning(c)) this.finish(c, 137, 'Error');
      else if ('waiting' in c.state)
        c.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', finishedAt: nowIso() } };
    }
    p.phase = 'Failed';
    p.reason = 'DeadlineExceeded';
    p.message = DEADLINE_MESSAGE;
    this.event(p, 'DeadlineExceeded', DEADLINE_MESSAGE, 'Warning');
    this.write(p);
  }

  /** Stop timers and announce the stop of each running container. */
  private kill(p: PodRuntime): void {
    for (const t of p.timers) clearTimeout(t);
    p.timers.clear();
    for (const c of [...p.init, ...p.containers, ...p.ephemeral]) {
      if (isRunning(c)) this.event(p, 'Killing', `Stopping container ${c.name}`);
    }
  }

  /** Graceful deletion: SIGTERM exec processes, wait min(grace, cap), SIGKILL, then remove the pod object. */
  private terminate(p: PodRuntime, pod: KubeObject): void {
    p.terminating = true;
    this.kill(p);
    for (const c of [...p.init, ...p.containers, ...p.ephemeral]) for (const h of c.execs) h.kill('SIGTERM');
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    this.after(p, Math.min(grace * 1000, this.opts.graceCapMs), () => {
      const current = this.store.get(this.res.pods, p.namespace, p.name);
      this.release(p, true);
      if (current && current.metadata.uid === p.uid) {
        try {
          this.store.delete(this.res.pods, p.namespace, p.name);
        } catch {
          /* already gone */
        }
      }
    });
  }

  /** Forget a pod: timers, processes, logs; its files go unless a new pod of that name took its place. */
  private release(p: PodRuntime, removeFiles: boolean): void {
    for (const t of p.timers) clearTimeout(t);
    p.timers.clear();
    p.terminating = true;
    for (const c of [...p.init, ...p.containers, ...p.ephemeral]) {
      for (const h of c.execs) h.kill('SIGKILL');
      c.log.end();
      c.previousLog?.end();
    }
    const key = `${p.namespace}/${p.name}`;
    if (this.pods.get(key) === p) {
      this.pods.delete(key);
      if (removeFiles && p.hasFiles) {
        try {
          this.dirs.delete(this.podDir(p));
          rmSync(this.podDir(p), { recursive: true, force: true });
        } catch {
          /* nothing to remove */
        }
      }
    }
  }

  private addEphemeral(p: PodRuntime, pod: KubeObject): void {
    const specs = containersOf(pod).ephemeral;
    const fresh = specs.filter((s) => !p.ephemeral.some((e) => e.name === s.name));
    if (!fresh.length || !p.sandboxReady) return;
    for (const s of fresh) {
      const c = newContainer(s, 'ephemeral');
      p.ephemeral.push(c);
      this.startContainer(p, c);
    }
    this.write(p);
  }

  container(p: PodRuntime, name?: string): ContainerRuntime | undefined {
    return name ? findContainer(p, name) : p.containers[0];
  }
}
