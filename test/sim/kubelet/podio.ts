// The kubelet's write side for one pod: status writes, Events, per-pod timers, and starting/stopping a container
// instance (image pull events, container IDs, logs). The lifecycle controller builds on it.
import { recordEvent } from '../events';
import type { SimResources } from '../resources';
import type { Store } from '../store';
import { LogBuffer } from './logbuffer';
import { type ContainerRuntime, newContainerID, normalizeImage, nowIso, type PodRuntime } from './model';
import { renderStatus } from './status';

export class PodIO {
  private readonly pulled = new Set<string>();
  /** Extra readiness gate (the Cilium agent pod of a stopped agent stays unready). */
  readyOverride: (p: PodRuntime) => boolean = () => true;

  constructor(
    protected readonly store: Store,
    protected readonly res: SimResources,
    protected readonly crashLoopRunMs: number,
  ) {}

  /** Called when a crash-looping container has run its time. */
  protected onCrashLoopDue(_p: PodRuntime, _c: ContainerRuntime): void {}

  startContainer(p: PodRuntime, c: ContainerRuntime): void {
    const image = c.image;
    const key = `${p.node}|${normalizeImage(image)}`;
    if (this.pulled.has(key)) {
      this.event(p, 'Pulled', `Container image "${image}" already present on machine`);
    } else {
      this.pulled.add(key);
      this.event(p, 'Pulling', `Pulling image "${image}"`);
      this.event(p, 'Pulled', `Successfully pulled image "${image}" in 412ms (412ms including waiting). Image size: 3623807 bytes.`);
    }
    c.containerID = newContainerID();
    c.state = { running: { startedAt: nowIso() } };
    c.started = true;
    c.ready = c.kind !== 'init' || c.sidecar ? !p.neverReady && this.readyOverride(p) : false;
    if (c.log.isEnded) c.log = new LogBuffer();
    c.log.append(`${nowIso()} container ${c.name} started (image ${normalizeImage(image)}, id ${c.containerID.slice(13, 25)})`);
    this.event(p, 'Created', `Created container: ${c.name}`);
    this.event(p, 'Started', `Started container ${c.name}`);
    if (c.crashLoop) this.after(p, this.crashLoopRunMs, () => this.onCrashLoopDue(p, c));
  }

  /** The container's process ended: terminated state, log closed, exec processes killed. */
  protected finish(c: ContainerRuntime, exitCode: number, reason: string, message?: string): void {
    const startedAt = 'running' in c.state ? c.state.running.startedAt : undefined;
    for (const h of c.execs) h.kill('SIGKILL');
    c.state = {
      terminated: {
        exitCode,
        reason,
        ...(message ? { message } : {}),
        ...(startedAt ? { startedAt } : {}),
        finishedAt: nowIso(),
        ...(c.containerID ? { containerID: c.containerID } : {}),
      },
    };
    c.ready = false;
    c.started = false;
    c.log.end();
  }

  event(p: PodRuntime, reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    recordEvent(this.store, {
      involvedObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: p.namespace, uid: p.uid } },
      reason,
      message,
      type,
      source: 'kubelet',
      host: p.node,
    });
  }

  after(p: PodRuntime, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      p.timers.delete(t);
      fn();
    }, ms);
    p.timers.add(t);
  }

  /** Write the rendered status over the stored pod (same uid only: a recreated pod is another pod). */
  write(p: PodRuntime): void {
    const pod = this.store.get(this.res.pods, p.namespace, p.name);
    if (!pod || pod.metadata.uid !== p.uid) return;
    pod.status = renderStatus(p, pod);
    try {
      this.store.update(this.res.pods, pod, { checkResourceVersion: false });
    } catch {
      /* deleted meanwhile */
    }
  }
}
