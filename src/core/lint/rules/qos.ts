// Guaranteed QoS: pods that are not Guaranteed are evicted first under node pressure, mid-evaluation.
import type { Node as YNode, YAMLMap } from 'yaml';
import { rangeOf } from '../document';
import { appendMapEntry, replaceNode } from '../../values/textEdits';
import { computePodQos, parseQuantity, type ResourceRequirements } from '../../kube/qos';
import { asArr, asObj, defineServiceRule, isObj, type RuleContext, q } from '../rule';

/** What the chart gives a container that sets no resources (requests = limits). */
export const chartDefaultResources = { cpu: '500m', memory: '2Gi' } as const;

const names = ['cpu', 'memory'] as const;

function sameQuantity(a: unknown, b: unknown): boolean {
  try {
    return parseQuantity(a as string | number) === parseQuantity(b as string | number);
  } catch {
    return String(a) === String(b);
  }
}

function isGuaranteed(resources: unknown): boolean {
  try {
    return computePodQos({ containers: [{ resources: resources as ResourceRequirements }] }) === 'Guaranteed';
  } catch {
    return false; // a malformed quantity: the schema reports it
  }
}

/**
 * Why a container's resources are not Guaranteed (empty when they are), by the Kubernetes rules (shared QoS
 * helper): cpu and memory limits set, and requests (defaulted from limits when absent) equal to them.
 */
export function guaranteedProblems(resources: unknown): string[] {
  if (isGuaranteed(resources)) return [];
  const limits = asObj(asObj(resources).limits);
  const requests = asObj(asObj(resources).requests);
  const out: string[] = [];
  for (const n of names) {
    const l = limits[n];
    const r = requests[n];
    if (l === undefined || l === null) out.push(r === undefined || r === null ? `no ${n}` : `no ${n} limit`);
    else if (r !== undefined && r !== null && !sameQuantity(l, r))
      out.push(`${n} requests ${String(r)} ≠ limits ${String(l)}`);
  }
  return out.length ? out : ['requests differ from limits'];
}

/** What the chart treats as "no resources" (it then sets Guaranteed defaults): no limits, requests or claims. */
function chartDefaults(resources: unknown): boolean {
  const r = asObj(resources);
  return (
    Object.keys(asObj(r.limits)).length === 0 &&
    Object.keys(asObj(r.requests)).length === 0 &&
    asArr(r.claims).length === 0
  );
}

/** resources with requests = limits for cpu and memory (missing ones from the chart default). */
export function guaranteedResources(resources: unknown): Record<string, unknown> {
  const res = asObj(resources);
  const limits = { ...asObj(res.limits) };
  const requests = { ...asObj(res.requests) };
  for (const n of names) {
    const v = limits[n] ?? requests[n] ?? chartDefaultResources[n];
    limits[n] = v;
    requests[n] = v;
  }
  return { ...res, limits, requests };
}

function missingFromBoth(resources: unknown): string[] {
  const res = asObj(resources);
  return names
    .filter((n) => asObj(res.limits)[n] == null && asObj(res.requests)[n] == null)
    .map((n) => `${n} ${chartDefaultResources[n]}`);
}

function fixTitle(resources: unknown): string {
  const added = missingFromBoth(resources);
  return added.length ? `Set requests = limits (adds the chart default ${added.join(', ')})` : 'Set requests = limits';
}

function checkContainer(
  ctx: RuleContext,
  container: YAMLMap,
  label: string,
  path: (string | number)[],
  required: boolean,
): void {
  const vd = ctx.vd;
  const pair = vd.pair(container, 'resources');
  const node = vd.deref(pair?.value);
  const plain = pair ? plainOf(ctx, path) : undefined;
  const empty = chartDefaults(plain);
  if (empty && !required) return; // the chart applies Guaranteed defaults
  const problems = empty ? ['no resources'] : guaranteedProblems(plain);
  if (problems.length === 0) return;
  const target = (pair ? rangeOf(pair.key) : (rangeOf(vd.pair(container, 'name')) ?? rangeOf(container))) ?? [0, 0];
  const edit =
    node && pair && isObj(plain)
      ? replaceNode(vd, node as YNode, guaranteedResources(plain))
      : appendMapEntry(vd, container as unknown as YNode, 'resources', guaranteedResources({}));
  ctx.report({
    range: target,
    message: `${label} is not Guaranteed QoS (${problems.join('; ')}): the pod can be evicted under node pressure`,
    fix: edit ? { title: fixTitle(plain), edits: [edit] } : undefined,
  });
}

function plainOf(ctx: RuleContext, path: (string | number)[]): unknown {
  let v: unknown = ctx.values;
  for (const seg of [...path, 'resources']) v = Array.isArray(v) && typeof seg === 'number' ? v[seg] : asObj(v)[seg];
  return v;
}

export const qos = defineServiceRule(
  {
    id: 'sandbox/qos-not-guaranteed',
    severity: 'warning',
    title: 'Pod is not Guaranteed QoS',
    why: "Kubernetes evicts Burstable and BestEffort pods first when a node runs short of memory, which kills a sandbox in the middle of an evaluation. A pod is Guaranteed only if every container (init containers too) sets cpu and memory limits with requests equal to them; with no resources at all the chart sets such values for you (init containers get the service container's).",
  },
  (ctx, s) => {
    const vd = ctx.vd;
    if (!s.value) return;
    checkContainer(ctx, s.value, `service ${q(s.name)}`, ['services', s.name], false);
    vd.seq(vd.value(s.value, 'initContainers'))?.items.forEach((item, i) => {
      const m = vd.map(item);
      if (!m) return;
      const n = vd.scalar(vd.value(m, 'name'));
      const label = `init container ${typeof n === 'string' ? `"${n}"` : `#${i + 1}`} of service ${q(s.name)}`;
      // Without resources the chart gives an init container the service container's (checked above).
      checkContainer(ctx, m, label, ['services', s.name, 'initContainers', i], false);
    });
  },
  [],
);
