// DaemonSet controller: one pod per matching node, bound directly to it; rolling update one node at a time.
import { templateHash } from '../admission';
import { resources } from '../resources';
import type { KubeObject } from '../store';
import { podFinished, podReady, setStatus, type ControlPlaneContext } from './base';
import { createPod, deletePod, ownedPods } from './pods';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are loosely typed JSON */

const COMPONENT = 'daemonset-controller';

export function reconcileDaemonSet(ctx: ControlPlaneContext, ns: string, name: string): boolean {
  const ds = ctx.store.get(resources.daemonsets, ns, name) as any;
  if (!ds || ds.metadata.deletionTimestamp) return false;
  const hash = templateHash(ds.spec.template);
  const sel: Record<string, string> = ds.spec.template?.spec?.nodeSelector ?? {};
  const nodes = ctx
    .nodes()
    .map((n) => ctx.store.get(resources.nodes, undefined, n))
    .filter((n): n is KubeObject => !!n && Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v))
    .map((n) => n.metadata.name);
  const byNode = new Map<string, KubeObject[]>();
  let failed = false;
  for (const p of ownedPods(ctx, ds)) {
    const node = (p.spec as any)?.nodeName as string;
    if (!nodes.includes(node) || podFinished(p)) {
      if (!p.metadata.deletionTimestamp) deletePod(ctx, ds, p, COMPONENT, `Deleted pod: ${p.metadata.name}`);
      continue;
    }
    byNode.set(node, [...(byNode.get(node) ?? []), p]);
  }
  for (const node of nodes) {
    if ((byNode.get(node) ?? []).length > 0) continue;
    const created = createPod({
      ctx,
      ownerType: resources.daemonsets,
      owner: ds,
      generateName: `${name}-`,
      labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      mutate: (pod) => (pod.spec.nodeName = node),
      component: COMPONENT,
      ok: (n) => `Created pod: ${n}`,
      failed: (_n, err) => `Error creating: ${err}`,
    });
    if (created) byNode.set(node, [created]);
    else failed = true;
  }
  const pods = [...byNode.values()].flat().filter((p) => !p.metadata.deletionTimestamp);
  if (pods.length === nodes.length && pods.every(podReady)) {
    const stale = pods.find((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
    if (stale) deletePod(ctx, ds, stale, COMPONENT, `Deleted pod: ${stale.metadata.name}`);
  }
  const ready = pods.filter(podReady).length;
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
  setStatus(ctx.store, resources.daemonsets, ds, {
    currentNumberScheduled: pods.length,
    numberMisscheduled: 0,
    desiredNumberScheduled: nodes.length,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: updated,
    numberAvailable: ready,
    ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
  });
  return failed;
}
