// Fault injection for tests and the demo: crash or crash-loop a container, keep a pod unready, evict it, stop a
// node's Cilium agent, disable Hubble. Each throws a plain Error for a pod this kubelet does not run.
import type { Hubble } from './hubble';
import type { CrashReason, Lifecycle } from './lifecycle';
import { isRunning, type PodRuntime } from './model';

export interface CrashOptions {
  reason?: 'OOMKilled' | 'Error';
  /** Default 137 for OOMKilled, 1 for Error. */
  exitCode?: number;
}

export interface KubeletFaults {
  /** restartCount+1, lastState.terminated {reason, exitCode}, CrashLoopBackOff, then Running again. */
  crash(namespace: string, pod: string, container?: string, opts?: CrashOptions): void;
  /** Crash now and again after every restart, until `clear`. */
  crashLoop(namespace: string, pod: string, container?: string, reason?: 'OOMKilled' | 'Error'): void;
  /** Containers run but never report ready (readiness probe failing); `false` undoes it. */
  neverReady(namespace: string, pod: string, on?: boolean): void;
  /** Node-pressure eviction: phase Failed, reason Evicted (the workload controller replaces the pod). */
  evict(namespace: string, pod: string, message?: string): void;
  /** The node's Cilium agent is not ready: its pod turns unready, `hubble` there fails to connect. */
  stopAgent(node: string): void;
  startAgent(node: string): void;
  /** Hubble disabled (`enable-hubble: false`): `hubble observe` fails on every agent. */
  setHubbleEnabled(on: boolean): void;
  /** Undo crashLoop and neverReady for a pod. */
  clear(namespace: string, pod: string): void;
  /** An image the registry does not have: its pulls fail (ErrImagePull, ImagePullBackOff) until `false`. */
  missingImage(image: string, on?: boolean): void;
  /** Append a line to a container's current log (what the app would print). */
  log(namespace: string, pod: string, container: string, line: string): void;
}

export function createFaults(
  life: Lifecycle,
  hubble: Hubble,
  podLabels: (p: PodRuntime) => Record<string, string> | undefined,
  ciliumNamespace = 'kube-system',
): KubeletFaults {
  const isAgentPod = (p: PodRuntime, labels: Record<string, string> | undefined): boolean =>
    p.namespace === ciliumNamespace && labels?.['k8s-app'] === 'cilium';
  const pod = (ns: string, name: string): PodRuntime => {
    const p = life.get(ns, name);
    if (!p) throw new Error(`pod ${ns}/${name} is not running on this kubelet's nodes`);
    return p;
  };
  const container = (p: PodRuntime, name?: string) => {
    const c = life.container(p, name);
    if (!c) throw new Error(`pod ${p.namespace}/${p.name} has no container ${name ?? ''}`);
    return c;
  };
  const agents = (node: string): PodRuntime[] =>
    life.all().filter((p) => p.node === node && isAgentPod(p, podLabels(p)));
  return {
    crash(ns, name, cname, opts = {}) {
      const p = pod(ns, name);
      const reason: CrashReason = opts.reason ?? 'Error';
      life.crash(p, container(p, cname), reason, opts.exitCode ?? (reason === 'OOMKilled' ? 137 : 1));
    },
    crashLoop(ns, name, cname, reason = 'Error') {
      const p = pod(ns, name);
      const c = container(p, cname);
      c.crashLoop = { reason, exitCode: reason === 'OOMKilled' ? 137 : 1 };
      if (isRunning(c)) life.crash(p, c, reason, c.crashLoop.exitCode);
    },
    neverReady(ns, name, on = true) {
      life.setNeverReady(pod(ns, name), on);
    },
    evict(ns, name, message) {
      life.evict(pod(ns, name), message);
    },
    stopAgent(node) {
      hubble.setAgentDown(node, true);
      for (const p of agents(node)) life.refreshReadiness(p);
    },
    startAgent(node) {
      hubble.setAgentDown(node, false);
      for (const p of agents(node)) life.refreshReadiness(p);
    },
    setHubbleEnabled(on) {
      hubble.setEnabled(on);
    },
    clear(ns, name) {
      const p = pod(ns, name);
      for (const c of [...p.init, ...p.containers]) c.crashLoop = undefined;
      if (p.neverReady) life.setNeverReady(p, false);
    },
    missingImage(image, on = true) {
      if (on) life.missingImages.add(image);
      else life.missingImages.delete(image);
    },
    log(ns, name, cname, line) {
      container(pod(ns, name), cname).log.append(line);
    },
  };
}
