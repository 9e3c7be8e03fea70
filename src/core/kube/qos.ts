// Pod QoS class by the Kubernetes rules (ComputePodQOS in kubernetes pkg/apis/core/helper/qos), applied after
// the API server's defaulting (a container's missing requests are copied from its limits). VS Code-free: the
// chart tests, the linter, the tree and the simulated cluster share it.

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export type Quantity = string | number;
export type ResourceList = Readonly<Record<string, Quantity | null | undefined>>;

export interface ResourceRequirements {
  readonly limits?: ResourceList | null;
  readonly requests?: ResourceList | null;
}

export interface ContainerLike {
  readonly resources?: ResourceRequirements | null;
}

export interface PodSpecLike {
  readonly containers?: readonly ContainerLike[] | null;
  readonly initContainers?: readonly ContainerLike[] | null;
  /** Pod-level resources (Kubernetes 1.32+): when set, they alone decide the class. */
  readonly resources?: ResourceRequirements | null;
}

// Only these two count for QoS; extended resources and ephemeral-storage do not.
const QOS_RESOURCES = ['cpu', 'memory'] as const;

const DECIMAL_SUFFIX: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?))$/;

/** Nano-units scale: Kubernetes keeps quantities at most to nano precision (it rounds finer values up). */
const NANO_DIGITS = 9;

/**
 * Parses a Kubernetes quantity ("500m", "0.5", 1, "2Gi", "1e3") into an exact count of nano-units, so that
 * equal amounts written differently ("1", "1000m", 1) compare equal. Throws on a malformed quantity.
 */
export function parseQuantity(q: Quantity): bigint {
  const text = typeof q === 'number' ? numberText(q) : q.trim();
  const m = QUANTITY.exec(text);
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  const [, sign, digits, exp, binary, decimal] = m;
  const [intPart, fracPart = ''] = digits.split('.');
  // value = mantissa * 10^(-frac.length) * 10^exp10 * 2^exp2, kept as an exact rational num/den.
  let num = BigInt((intPart || '0') + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  const exp10 = exp !== undefined ? Number(exp.slice(1)) : binary !== undefined ? 0 : DECIMAL_SUFFIX[decimal ?? ''];
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  if (binary !== undefined) num *= 2n ** BigInt(BINARY_SUFFIX[binary]);
  num *= 10n ** BigInt(NANO_DIGITS);
  let nanos = num / den;
  if (nanos * den !== num) nanos += 1n; // round up like resource.Quantity does
  return sign === '-' ? -nanos : nanos;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`invalid quantity ${String(n)}`);
  // Plain decimal notation when possible; otherwise the exponent form, which the grammar accepts.
  return Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-6) ? n.toExponential() : String(n);
}

/** The container's resources after API defaulting: requests missing for a resource take the limit. */
export function defaultedResources(r: ResourceRequirements | null | undefined): {
  limits: Record<string, Quantity>;
  requests: Record<string, Quantity>;
} {
  const limits = compact(r?.limits);
  const requests = compact(r?.requests);
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = value;
  }
  return { limits, requests };
}

function compact(list: ResourceList | null | undefined): Record<string, Quantity> {
  const out: Record<string, Quantity> = {};
  for (const [k, v] of Object.entries(list ?? {})) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** The QoS class Kubernetes assigns to a pod with this spec. Throws on a malformed quantity. */
export function computePodQos(spec: PodSpecLike): QosClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;

  const add = (into: Map<string, bigint>, list: Record<string, Quantity>): Set<string> => {
    const found = new Set<string>();
    for (const name of QOS_RESOURCES) {
      const raw = list[name];
      if (raw === undefined) continue;
      const value = parseQuantity(raw);
      if (value <= 0n) continue; // zero quantities are ignored, as in Kubernetes
      found.add(name);
      into.set(name, (into.get(name) ?? 0n) + value);
    }
    return found;
  };

  if (spec.resources && (spec.resources.limits || spec.resources.requests)) {
    const pod = defaultedResources(spec.resources);
    add(requests, pod.requests);
    const found = add(limits, pod.limits);
    guaranteed = QOS_RESOURCES.every((n) => found.has(n));
  } else {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      const r = defaultedResources(c.resources);
      add(requests, r.requests);
      const found = add(limits, r.limits);
      if (!QOS_RESOURCES.every((n) => found.has(n))) guaranteed = false;
    }
  }

  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
