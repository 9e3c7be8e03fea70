// Scheduler: binds pending pods to simulated nodes whose labels satisfy spec.nodeSelector (RuntimeClass
// admission has merged its scheduling.nodeSelector in); otherwise PodScheduled=False/Unschedulable.
import { recordEvent } from '../events';
import { resources } from '../resources';
import type { KubeObject } from '../store';
import type { ControlPlaneContext } from './base';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are loosely typed JSON */

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class Scheduler {
  private next = 0;

  constructor(private readonly ctx: ControlPlaneContext) {}

  /** Returns true when the pod stays unschedulable (the caller retries later). */
  schedule(ns: string, name: string): boolean {
    const pod = this.ctx.store.get(resources.pods, ns, name) as any;
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return false;
    const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
    const nodes = this.ctx
      .nodes()
      .map((n) => this.ctx.store.get(resources.nodes, undefined, n) as any)
      .filter((n): n is KubeObject => !!n);
    const fits = nodes.filter(
      (n: any) => !n.spec?.unschedulable && Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v),
    );
    const conds: any[] = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
    if (fits.length === 0) {
      const unmatched = nodes.filter(
        (n: any) => !Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v),
      ).length;
      const cordoned = nodes.length - unmatched;
      const parts = [
        ...(cordoned > 0 ? [`${cordoned} node(s) were unschedulable`] : []),
        ...(unmatched > 0 ? [`${unmatched} node(s) didn't match Pod's node affinity/selector`] : []),
      ];
      const message = `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const prev = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
      if (prev?.message !== message) {
        pod.status = {
          ...pod.status,
          conditions: [
            ...conds,
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: now(),
              reason: 'Unschedulable',
              message,
            },
          ],
        };
        this.ctx.store.update(resources.pods, pod, { checkResourceVersion: false });
        recordEvent(this.ctx.store, {
          involvedObject: pod,
          reason: 'FailedScheduling',
          message,
          type: 'Warning',
          source: 'default-scheduler',
        });
      }
      return true;
    }
    const node = fits[this.next++ % fits.length];
    pod.spec.nodeName = node.metadata.name;
    pod.status = {
      ...pod.status,
      conditions: [...conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }],
    };
    this.ctx.store.update(resources.pods, pod, { checkResourceVersion: false });
    recordEvent(this.ctx.store, {
      involvedObject: pod,
      reason: 'Scheduled',
      message: `Successfully assigned ${ns}/${name} to ${node.metadata.name}`,
      type: 'Normal',
      source: 'default-scheduler',
    });
    return false;
  }
}
