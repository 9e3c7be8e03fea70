// Pod QoS class by the Kubernetes rules (ComputePodQOS). The sim keeps its own copy: src/core/kube has no qos
// module yet (the chart/lint side may add one; then the two should agree, which the sim tests show).

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A resource.Quantity string as a number (`100m` -> 0.1, `128Mi` -> 134217728); NaN when malformed. */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$/.exec(q.trim());
  if (!m) return NaN;
  return Number(m[1]) * SUFFIX[m[2]];
}

type ResourceList = Record<string, unknown>;
interface Container {
  resources?: { requests?: ResourceList; limits?: ResourceList };
}
interface PodSpecLike {
  containers?: Container[];
  initContainers?: Container[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

const SUPPORTED = ['cpu', 'memory'];

export function computeQosClass(spec: PodSpecLike): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let allLimited = true;
  const add = (into: Record<string, number>, list: ResourceList | undefined): Set<string> => {
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(list ?? {})) {
      if (!SUPPORTED.includes(k)) continue;
      const n = parseQuantity(v);
      if (!(n > 0)) continue;
      seen.add(k);
      into[k] = (into[k] ?? 0) + n;
    }
    return seen;
  };
  if (spec.resources && (spec.resources.requests || spec.resources.limits)) {
    add(requests, spec.resources.requests);
    const l = add(limits, spec.resources.limits);
    allLimited = SUPPORTED.every((r) => l.has(r));
  } else {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      add(requests, c.resources?.requests);
      const l = add(limits, c.resources?.limits);
      if (!SUPPORTED.every((r) => l.has(r))) allLimited = false;
    }
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  if (allLimited) {
    const same = Object.keys(requests).length === Object.keys(limits).length && Object.entries(requests).every(([k, v]) => limits[k] !== undefined && Math.abs(limits[k] - v) < 1e-9);
    if (same) return 'Guaranteed';
  }
  return 'Burstable';
}
