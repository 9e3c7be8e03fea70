// A small but real CiliumNetworkPolicy evaluator: which rules select an endpoint, whether a direction is in
// default-deny, and whether a peer/port is allowed (toEndpoints/fromEndpoints, toFQDNs, toCIDR(Set), toEntities,
// toPorts) or denied (egressDeny/ingressDeny take precedence). Of L7, only `serverNames` (TLS SNI) and HTTP
// `host` regexes are checked, against the requested name.
import { type LabelSelector, selectorMatches } from '../../selectors';
import type { KubeObject } from '../../store';
import { type Endpoint, inCidr } from './endpoints';

export type Direction = 'egress' | 'ingress';

export interface PolicyRef {
  name: string;
  namespace?: string;
  labels: string[];
  revision: string;
  kind: string;
}

export interface Verdict {
  allowed: boolean;
  /** Some selecting rule puts this direction in default-deny (so a policy verdict is emitted). */
  enforced: boolean;
  /** 133 POLICY_DENIED (no allow rule) or 181 POLICY_DENY (a deny rule). */
  dropReason?: 133 | 181;
  /** flow.proto PolicyMatchType: 1 L3_ONLY, 2 L3_L4, 3 L4_ONLY, 4 ALL. */
  matchType?: number;
  by: PolicyRef[];
}

/** Cilium hands host regexes to Envoy (RE2), which accepts a leading `(?i)` flag; JavaScript needs it as a flag. */
function safeRegex(src: string): RegExp {
  try {
    return src.startsWith('(?i)') ? new RegExp(src.slice(4), 'i') : new RegExp(src);
  } catch {
    return /$^/;
  }
}

interface PortRule {
  ports?: Array<{ port?: string | number; endPort?: number; protocol?: string }>;
  serverNames?: string[];
  rules?: unknown;
}

type Rule = Record<string, unknown> & { toPorts?: PortRule[] };

interface Spec {
  endpointSelector?: LabelSelector;
  egress?: Rule[];
  egressDeny?: Rule[];
  ingress?: Rule[];
  ingressDeny?: Rule[];
  enableDefaultDeny?: { egress?: boolean; ingress?: boolean };
}

/** Selector keys may carry a source (`k8s:app`, `any:app`); endpoint labels are matched without it. */
function normalize(sel: LabelSelector | undefined): LabelSelector | undefined {
  if (!sel) return sel;
  const strip = (k: string): string => k.replace(/^(k8s|any):/, '');
  return {
    matchLabels: Object.fromEntries(Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [strip(k), v])),
    matchExpressions: (sel.matchExpressions ?? []).map((e) => ({ ...e, key: strip(e.key) })),
  };
}

const mentionsNamespace = (sel: LabelSelector): boolean =>
  Object.keys(sel.matchLabels ?? {}).some((k) => k.endsWith('io.kubernetes.pod.namespace')) ||
  (sel.matchExpressions ?? []).some((e) => e.key.endsWith('io.kubernetes.pod.namespace'));

function specsOf(policy: KubeObject): Spec[] {
  const out: Spec[] = [];
  if (policy.spec && typeof policy.spec === 'object') out.push(policy.spec as Spec);
  if (Array.isArray(policy.specs)) out.push(...(policy.specs as Spec[]));
  return out;
}

function refOf(policy: KubeObject): PolicyRef {
  return {
    name: policy.metadata.name,
    ...(policy.metadata.namespace ? { namespace: policy.metadata.namespace } : {}),
    labels: [
      `k8s:io.cilium.k8s.policy.derived-from=${policy.kind}`,
      `k8s:io.cilium.k8s.policy.name=${policy.metadata.name}`,
      ...(policy.metadata.namespace ? [`k8s:io.cilium.k8s.policy.namespace=${policy.metadata.namespace}`] : []),
    ],
    revision: String(policy.metadata.generation ?? 1),
    kind: policy.kind,
  };
}

/** Cilium matchPattern: `*` alone matches every name; elsewhere `*` matches within one DNS label. */
export function fqdnMatches(pattern: { matchName?: string; matchPattern?: string }, domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (pattern.matchName !== undefined) return pattern.matchName.toLowerCase().replace(/\.$/, '') === d;
  const p = (pattern.matchPattern ?? '').toLowerCase().replace(/\.$/, '');
  if (p === '*') return true;
  if (p.startsWith('**.')) return d.endsWith(p.slice(2)) && d.length > p.length - 2;
  const re = new RegExp(
    '^' +
      p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[-a-z0-9_]*') +
      '$',
  );
  return re.test(d);
}

const ENTITY: Record<string, (peer: Endpoint) => boolean> = {
  all: () => true,
  world: (e) => e.kind === 'world',
  'world-ipv4': (e) => e.kind === 'world',
  cluster: (e) => e.kind !== 'world',
  host: (e) => e.kind === 'host',
  'remote-node': (e) => e.kind === 'remote-node',
  'kube-apiserver': (e) => e.ip === '10.96.0.1',
};

function peerMatches(
  rule: Rule,
  dir: Direction,
  peer: Endpoint,
  domain: string | undefined,
  policyNs: string | undefined,
): boolean | undefined {
  const pre = dir === 'egress' ? 'to' : 'from';
  const endpoints = rule[`${pre}Endpoints`] as LabelSelector[] | undefined;
  const entities = rule[`${pre}Entities`] as string[] | undefined;
  const cidrs = rule[`${pre}CIDR`] as string[] | undefined;
  const cidrSets = rule[`${pre}CIDRSet`] as Array<{ cidr?: string; except?: string[] }> | undefined;
  const fqdns =
    dir === 'egress' ? (rule.toFQDNs as Array<{ matchName?: string; matchPattern?: string }> | undefined) : undefined;
  if (![endpoints, entities, cidrs, cidrSets, fqdns].some((x) => Array.isArray(x))) return undefined; // L3 wildcard
  if (
    endpoints?.some((raw) => {
      if (peer.kind !== 'pod') return false;
      const sel = normalize(raw) ?? {};
      if (policyNs && !mentionsNamespace(sel) && peer.namespace !== policyNs) return false;
      return selectorMatches(sel, peer.selectorLabels);
    })
  )
    return true;
  if (entities?.some((e) => ENTITY[e]?.(peer))) return true;
  if (peer.kind === 'world' && cidrs?.some((c) => inCidr(peer.ip, c))) return true;
  if (
    peer.kind === 'world' &&
    cidrSets?.some((s) => !!s.cidr && inCidr(peer.ip, s.cidr) && !(s.except ?? []).some((x) => inCidr(peer.ip, x)))
  )
    return true;
  if (domain && fqdns?.some((f) => fqdnMatches(f, domain))) return true;
  return false;
}

function portMatches(rule: Rule, port: number, protocol: string, domain: string | undefined): boolean | undefined {
  if (!Array.isArray(rule.toPorts) || rule.toPorts.length === 0) return undefined;
  return rule.toPorts.some((pr) => {
    const portOk =
      !pr.ports?.length ||
      pr.ports.some((p) => {
        const proto = (p.protocol ?? 'ANY').toUpperCase();
        if (proto !== 'ANY' && proto !== protocol) return false;
        const n = Number(p.port ?? 0);
        if (!n) return true;
        return p.endPort ? port >= n && port <= p.endPort : port === n;
      });
    if (!portOk) return false;
    if (pr.serverNames?.length) return !!domain && pr.serverNames.some((s) => fqdnMatches({ matchPattern: s }, domain));
    // HTTP rules: the request's Host must match one of the host regexes (an L7 denial, counted here as no match).
    const http = (pr.rules as { http?: Array<{ host?: string }> } | undefined)?.http;
    if (http?.length && domain) return http.some((h) => !h.host || safeRegex(h.host).test(domain));
    return true;
  });
}

/** 1 L3_ONLY, 2 L3_L4, 3 L4_ONLY, undefined = no match. An empty rule (`{}`) matches nothing. */
function ruleMatch(
  rule: Rule,
  dir: Direction,
  peer: Endpoint,
  port: number,
  protocol: string,
  domain: string | undefined,
  ns: string | undefined,
): number | undefined {
  const l3 = peerMatches(rule, dir, peer, domain, ns);
  const l4 = portMatches(rule, port, protocol, domain);
  if (l3 === false || l4 === false) return undefined;
  if (l3 === undefined && l4 === undefined) return undefined;
  if (l3 === undefined) return 3;
  return l4 === undefined ? 1 : 2;
}

/**
 * Verdict for traffic of `subject` in `dir` with `peer` on port/protocol. `policies` are the CiliumNetworkPolicies
 * of the subject's namespace and the cluster-wide ones.
 */
export function evaluate(
  policies: KubeObject[],
  subject: Endpoint,
  dir: Direction,
  peer: Endpoint,
  port: number,
  protocol: 'TCP' | 'UDP',
  domain?: string,
): Verdict {
  let enforced = false;
  let allow: { type: number; by: PolicyRef } | undefined;
  for (const pol of policies) {
    const ns = pol.metadata.namespace;
    for (const spec of specsOf(pol)) {
      const sel = normalize(spec.endpointSelector);
      if (!sel || !selectorMatches(sel, subject.selectorLabels)) continue;
      const allowRules = spec[dir];
      const denyRules = spec[`${dir}Deny`];
      if ((Array.isArray(allowRules) || Array.isArray(denyRules)) && spec.enableDefaultDeny?.[dir] !== false)
        enforced = true;
      for (const r of denyRules ?? []) {
        if (ruleMatch(r, dir, peer, port, protocol, domain, ns) !== undefined)
          return { allowed: false, enforced: true, dropReason: 181, by: [refOf(pol)] };
      }
      if (!allow) {
        for (const r of allowRules ?? []) {
          const t = ruleMatch(r, dir, peer, port, protocol, domain, ns);
          if (t !== undefined) {
            allow = { type: t, by: refOf(pol) };
            break;
          }
        }
      }
    }
  }
  if (!enforced) return { allowed: true, enforced: false, by: [] };
  if (allow) return { allowed: true, enforced: true, matchType: allow.type, by: [allow.by] };
  return { allowed: false, enforced: true, dropReason: 133, by: [] };
}

/**
 * The DNS rules Cilium's DNS proxy enforces for `subject` (`toPorts[].rules.dns` of egress rules of policies
 * selecting it); undefined when no policy puts its lookups through the proxy.
 */
export function dnsRules(
  policies: KubeObject[],
  subjectLabels: Record<string, string>,
): Array<{ matchName?: string; matchPattern?: string }> | undefined {
  let out: Array<{ matchName?: string; matchPattern?: string }> | undefined;
  for (const pol of policies) {
    for (const spec of specsOf(pol)) {
      const sel = normalize(spec.endpointSelector);
      if (!sel || !selectorMatches(sel, subjectLabels)) continue;
      for (const r of spec.egress ?? []) {
        for (const pr of r.toPorts ?? []) {
          const dns = (pr.rules as { dns?: Array<{ matchName?: string; matchPattern?: string }> } | undefined)?.dns;
          if (Array.isArray(dns)) (out ??= []).push(...dns);
        }
      }
    }
  }
  return out;
}
