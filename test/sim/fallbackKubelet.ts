// A stand-in used only when test/sim/kubelet cannot be loaded: scheduled pods become Running and Ready, deleted
// pods go away. No exec, no logs (those answer 503 through the API server).
import type { KubeletOptions } from './kubeletApi';
import type { KubeObject, StoreEvent } from './store';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod status is loosely typed JSON */

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class FallbackKubelet {
  readonly faults = {};
  private unsubscribe?: () => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private ip = 10;

  constructor(private readonly opts: KubeletOptions) {}

  start(): void {
    const { store, resources } = this.opts;
    const later = (f: () => void): void => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        try {
          f();
        } catch {
          // The pod changed or went away meanwhile.
        }
      }, 20);
      this.timers.add(t);
    };
    const onPod = (p: KubeObject): void => {
      const spec = p.spec as any;
      if (!spec?.nodeName || !this.opts.nodes.includes(spec.nodeName)) return;
      if (p.metadata.deletionTimestamp) return later(() => store.delete(resources.pods, p.metadata.namespace, p.metadata.name));
      if ((p.status as any)?.phase !== 'Pending') return;
      later(() => {
        const cur = store.get(resources.pods, p.metadata.namespace, p.metadata.name) as any;
        if (!cur || cur.status?.phase !== 'Pending' || cur.metadata.deletionTimestamp) return;
        const t = now();
        const ip = `10.244.0.${this.ip++ % 250}`;
        const cond = (type: string): unknown => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
        cur.status = {
          ...cur.status,
          phase: 'Running',
          hostIP: '172.18.0.2',
          podIP: ip,
          podIPs: [{ ip }],
          startTime: t,
          conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
          containerStatuses: (cur.spec.containers ?? []).map((c: any) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            containerID: `containerd://${cur.metadata.uid.replace(/-/g, '')}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: t } },
          })),
        };
        store.update(resources.pods, cur, { checkResourceVersion: false });
      });
    };
    this.unsubscribe = store.subscribe((e: StoreEvent) => {
      if (e.resource === resources.pods && e.type !== 'DELETED') onPod(e.object);
    });
    for (const p of store.list(resources.pods)) onPod(p);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
  }

  handleExec(): void {
    throw new Error('exec needs the simulated kubelet (test/sim/kubelet)');
  }

  logs(): void {
    throw new Error('logs need the simulated kubelet (test/sim/kubelet)');
  }
}
