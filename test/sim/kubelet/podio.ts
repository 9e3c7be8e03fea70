// The kubelet's write side for one pod: status writes, Events, per-pod timers, and starting/stopping a container
// instance (image pull events, container IDs, logs). The lifecycle controller builds on it.
import { recordEvent } from '../events';
import type { SimResources } from '../resources';
import type { Store } from '../store';
import { LogBuffer } from './logbuffer';
import { type ContainerRuntime, newContainerID, normalizeImage, nowIso, type PodRuntime } from './model';
import { renderStatus } from './status';
import { pullBackoffSeconds, pullFailure } from './pulls';

export class PodIO {
  private readonly pulled = new Set<string>();
  /** Images whose pull fails with "not found" (a simulator option; reserved registry hosts fail anyway). */
  readonly missingImages = new Set<string>();
  /** Extra readiness gate (the Cilium agent pod of a stopped agent stays unready). */
  readyOverride: (p: PodRuntime) => boolean = () => true;

  constructor(
    protected readonly store: Store,
    protected readonly res: SimResources,
    protected readonly crashLoopRunMs: number,
  ) {}

  /** Called when a crash-looping container has run its time. */
  protected onCrashLoopDue(_p: PodRuntime, _c: ContainerRuntime): void {}

  /** Starts the container; false when its image cannot be pulled (it then waits in ErrImagePull/ImagePullBackOff). */
  startContainer(p: PodRuntime, c: ContainerRuntime): boolean {
    const image = c.image;
    const key = `${p.node}|${normalizeImage(image)}`;
    const failure = this.pulled.has(key) ? undefined : pullFailure(image, this.missingImages);
    if (failure) {
      this.pullFailed(p, c, failure);
      return false;
    }
    c.pullAttempts = 0;
    if (this.pulled.has(key)) {
      this.event(p, 'Pulled', `Container image "${image}" already present on machine`);
    } else {
      this.pulled.add(key);
      this.event(p, 'Pulling', `Pulling image "${image}"`);
      this.event(
        p,
        'Pulled',
        `Successfully pulled image "${image}" in 412ms (412ms including waiting). Image size: 3623807 bytes.`,
      );
    }
    c.containerID = newContainerID();
    c.state = { running: { startedAt: nowIso() } };
    c.started = true;
    c.ready = c.kind !== 'init' || c.sidecar ? !p.neverReady && this.readyOverride(p) : false;
    if (c.log.isEnded) c.log = new LogBuffer();
    c.log.append(
      `${nowIso()} container ${c.name} started (image ${normalizeImage(image)}, id ${c.containerID.slice(13, 25)})`,
    );
    this.event(p, 'Created', `Created container: ${c.name}`);
    this.event(p, 'Started', `Started container ${c.name}`);
    if (c.crashLoop) this.after(p, this.crashLoopRunMs, () => this.onCrashLoopDue(p, c));
    return true;
  }

  /** Called when a container whose pull failed may be retried. */
  protected onPullRetry(_p: PodRuntime, _c: ContainerRuntime): void {}

  /** ErrImagePull now; ImagePullBackOff while the back-off runs; then another attempt (as the kubelet does). */
  private pullFailed(p: PodRuntime, c: ContainerRuntime, failure: string): void {
    const attempt = (c.pullAttempts = (c.pullAttempts ?? 0) + 1);
    this.event(p, 'Pulling', `Pulling image "${c.image}"`);
    this.event(
      p,
      'Failed',
      `Failed to pull image "${c.image}": rpc error: code = NotFound desc = ${failure}`,
      'Warning',
    );
    this.event(p, 'Failed', 'Error: ErrImagePull', 'Warning');
    c.state = { waiting: { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${failure}` } };
    c.ready = false;
    this.write(p);
    const backoff = pullBackoffSeconds(attempt);
    this.after(p, this.pullBackoffMs, () => {
      if (p.terminating) return;
      c.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${c.image}": ErrImagePull: ${failure}`,
        },
      };
      this.event(p, 'BackOff', `Back-off pulling image "${c.image}"`);
      this.event(p, 'Failed', 'Error: ImagePullBackOff', 'Warning');
      this.write(p);
      // The real back-off is 10 s doubling; the simulator scales it like the crash-loop back-off.
      this.after(p, this.pullBackoffMs * Math.min(backoff / 10, 4), () => {
        if (!p.terminating) this.onPullRetry(p, c);
      });
    });
  }

  /** ErrImagePull → ImagePullBackOff spacing (ms). */
  protected get pullBackoffMs(): number {
    return this.crashLoopRunMs;
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
