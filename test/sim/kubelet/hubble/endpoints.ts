// Cilium's view of a peer: an endpoint (pod) with its security identity and labels, the host, or the world.
// Labels follow Cilium: pod labels minus the per-pod ones Cilium ignores, plus namespace, service account,
// cluster and namespace labels, each shown with its `k8s:` source.
import { createHash } from 'node:crypto';
import type { SimResources } from '../../resources';
import type { KubeObject, Store } from '../../store';
import type { PodRuntime } from '../model';

export interface Endpoint {
  kind: 'pod' | 'host' | 'remote-node' | 'world';
  ip: string;
  identity: number;
  /** Flow labels with source prefix (`k8s:app=web`, `reserved:world`), sorted. */
  labels: string[];
  /** Labels as policy selectors see them (no source prefix). */
  selectorLabels: Record<string, string>;
  namespace?: string;
  podName?: string;
  /** Cilium endpoint ID (pods only). */
  id?: number;
  node?: string;
  workloads?: Array<{ name: string; kind: string }>;
}

/** Reserved identities (pkg/identity/numericidentity.go). */
export const WORLD_IDENTITY = 2;
export const HOST_IDENTITY = 1;
export const REMOTE_NODE_IDENTITY = 6;

// Labels that differ per pod of a workload: Cilium leaves them out of identities (default label filter).
const IGNORED = [
  /^pod-template-hash$/,
  /^controller-revision-hash$/,
  /^statefulset\.kubernetes\.io\/pod-name$/,
  /^apps\.kubernetes\.io\/pod-index$/,
  /^pod-template-generation$/,
  /^controller-uid$/,
  /^job-name$/,
  /^batch\.kubernetes\.io\//,
];

export function identityOf(labels: string[]): number {
  const h = createHash('sha256').update(labels.join(',')).digest();
  return 10_000 + (h.readUInt32BE(0) % 55_000);
}

function workloadsOf(store: Store, res: SimResources, pod: KubeObject): Array<{ name: string; kind: string }> {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return [];
  if (owner.kind === 'ReplicaSet') {
    const rs = store.get(res.replicasets, pod.metadata.namespace, owner.name);
    const dep = rs?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
    if (dep) return [{ name: dep.name, kind: 'Deployment' }];
  }
  return [{ name: owner.name, kind: owner.kind }];
}

export function podEndpoint(store: Store, res: SimResources, pod: KubeObject, p: PodRuntime): Endpoint {
  const ns = p.namespace;
  const sel: Record<string, string> = {};
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) if (!IGNORED.some((r) => r.test(k))) sel[k] = v;
  const nsObj = store.get(res.namespaces, undefined, ns);
  const nsLabels = nsObj?.metadata.labels ?? { 'kubernetes.io/metadata.name': ns };
  for (const [k, v] of Object.entries(nsLabels)) sel[`io.cilium.k8s.namespace.labels.${k}`] = v;
  sel['io.cilium.k8s.policy.cluster'] = 'default';
  sel['io.cilium.k8s.policy.serviceaccount'] =
    (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default';
  sel['io.kubernetes.pod.namespace'] = ns;
  const labels = Object.entries(sel)
    .map(([k, v]) => `k8s:${k}=${v}`)
    .sort();
  return {
    kind: 'pod',
    ip: p.podIP ?? '',
    identity: identityOf(labels),
    labels,
    selectorLabels: sel,
    namespace: ns,
    podName: p.name,
    id: p.endpointId,
    node: p.node,
    workloads: workloadsOf(store, res, pod),
  };
}

export function worldEndpoint(ip: string): Endpoint {
  return { kind: 'world', ip, identity: WORLD_IDENTITY, labels: ['reserved:world'], selectorLabels: {} };
}

export function hostEndpoint(ip: string, node: string, local: boolean): Endpoint {
  return local
    ? { kind: 'host', ip, identity: HOST_IDENTITY, labels: ['reserved:host'], selectorLabels: {}, node }
    : {
        kind: 'remote-node',
        ip,
        identity: REMOTE_NODE_IDENTITY,
        labels: ['reserved:remote-node'],
        selectorLabels: {},
        node,
      };
}

const KNOWN: Record<string, string> = {
  'one.one.one.one': '1.1.1.1',
  'dns.google': '8.8.8.8',
  'example.com': '93.184.215.14',
};

/** A stable public-looking address for an external name (nothing resolves for real here). */
export function externalAddress(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (KNOWN[d]) return KNOWN[d];
  const h = createHash('sha256').update(d).digest();
  const firsts = [34, 35, 52, 54, 104, 142, 151, 185];
  return `${firsts[h[0] % firsts.length]}.${h[1]}.${h[2]}.${1 + (h[3] % 254)}`;
}

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((x) => x > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** IPv4 CIDR membership (`10.0.0.0/8`, or a bare address as /32). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipToInt(ip);
  const b = ipToInt(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}
