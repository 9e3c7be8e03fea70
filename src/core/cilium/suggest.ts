// Explains a drop and, for a default-deny egress drop, suggests the values entry that would allow it.
import { Flow, endpointName, endpointService, isWorld, reservedEntity, describeEndpoint } from './flow';
import { POLICY_DENIED, POLICY_DENY, resolveDropReason } from './reasons';

export type ValuesEntry =
  | { readonly key: 'allowDomains'; readonly domain: string }
  /** The chart requires the domain to be in allowDomains too; the edit adds both. */
  | {
      readonly key: 'allowDomainsPorts';
      readonly domain: string;
      readonly port: number;
      readonly protocol: 'TCP' | 'UDP';
    }
  | { readonly key: 'allowCIDR'; readonly cidr: string }
  | { readonly key: 'allowEntities'; readonly entity: string };

export type ExplanationKind = 'policy-egress' | 'policy-deny-rule' | 'policy-ingress' | 'datapath' | 'dns-refused';

export interface DropExplanation {
  readonly kind: ExplanationKind;
  readonly text: string;
  readonly entry?: ValuesEntry;
  /** Set when the entry opens more than the one destination. */
  readonly warning?: string;
}

/** Entities the chart's allowEntities accepts (Cilium's entity names). */
export const CILIUM_ENTITIES: ReadonlySet<string> = new Set([
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'cluster',
  'init',
  'health',
  'unmanaged',
  'world',
  'all',
]);

const DOMAIN_RE = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6_RE = /^[0-9a-fA-F:]+(%\w+)?$/;

export function isDomain(s: string): boolean {
  return s.length <= 253 && DOMAIN_RE.test(s);
}

export function hostCidr(ip: string): string | undefined {
  if (IPV4_RE.test(ip)) return `${ip}/32`;
  if (ip.includes(':') && IPV6_RE.test(ip)) return `${ip.replace(/%.*$/, '')}/128`;
  return undefined;
}

/** The values entry as YAML a user would write, for the explanation text. */
export function entryYaml(e: ValuesEntry): string {
  switch (e.key) {
    case 'allowDomains':
      return `allowDomains:\n  - ${e.domain}`;
    case 'allowDomainsPorts':
      return `allowDomains:\n  - ${e.domain}\nallowDomainsPorts:\n  - domain: ${e.domain}\n    port: ${e.port}\n    protocol: ${e.protocol}`;
    case 'allowCIDR':
      return `allowCIDR:\n  - ${e.cidr}`;
    case 'allowEntities':
      return `allowEntities:\n  - ${e.entity}`;
  }
}

function hangText(flow: Flow, appTimeoutSeconds?: number): string {
  const limit = appTimeoutSeconds !== undefined ? ` (this release's app timeout is ${appTimeoutSeconds} s)` : '';
  const what =
    flow.protocol === 'TCP'
      ? 'Cilium drops the SYN without a reply (no reset, no ICMP error), so the client retransmits and hangs'
      : 'Cilium drops the packet without a reply, so the client waits';
  return `${what} until its own timeout${limit}.`;
}

function egressEntry(flow: Flow): { entry?: ValuesEntry; warning?: string } {
  const d = flow.destination;
  const name = endpointName(d)?.toLowerCase();
  const entity = reservedEntity(d);
  if (name && isDomain(name)) {
    const port = d.port;
    if (flow.protocol === 'TCP' && (port === 80 || port === 443))
      return { entry: { key: 'allowDomains', domain: name } };
    if (port !== undefined && (flow.protocol === 'TCP' || flow.protocol === 'UDP')) {
      return { entry: { key: 'allowDomainsPorts', domain: name, port, protocol: flow.protocol } };
    }
  }
  if (entity && !isWorld(d) && CILIUM_ENTITIES.has(entity)) return { entry: { key: 'allowEntities', entity } };
  const cidr = d.ip ? hostCidr(d.ip) : undefined;
  if (isWorld(d) || d.labels.some((l) => l.startsWith('cidr:'))) {
    return cidr ? { entry: { key: 'allowCIDR', cidr } } : {};
  }
  if (d.pod || d.labels.some((l) => l.startsWith('k8s:'))) {
    return {
      entry: { key: 'allowEntities', entity: 'cluster' },
      warning: 'allowEntities: cluster lets the sandbox reach every pod in the cluster, not only this one.',
    };
  }
  return cidr ? { entry: { key: 'allowCIDR', cidr } } : {};
}

export interface ExplainOptions {
  /** Which side of the flow belongs to the release, when known. */
  readonly releaseSide?: 'source' | 'destination';
  readonly appTimeoutSeconds?: number;
}

/** A refused lookup: the name never resolved, so nothing was sent; allowDomains is what lets it resolve. */
function explainDns(flow: Flow, dns: NonNullable<Flow['dns']>): DropExplanation {
  const asker = endpointService(flow.source) ?? describeEndpoint(flow.source);
  const who =
    dns.via === 'cilium'
      ? `Cilium's DNS proxy refused the lookup of ${dns.query} (${dns.rcode ?? 'REFUSED'}): no DNS rule of the sandbox's policy allows the name`
      : `The sandbox's DNS sidecar answered ${dns.rcode ?? 'NXDOMAIN'} for ${dns.query}: the name is not in allowDomains`;
  const domain = dns.query.toLowerCase();
  const entry: ValuesEntry | undefined = isDomain(domain) ? { key: 'allowDomains', domain } : undefined;
  const suggestion = entry
    ? ` To allow it, add to the values:\n${entryYaml(entry)}`
    : ' The name is not a valid domain, so no values entry can allow it.';
  return {
    kind: 'dns-refused',
    text: `${who}. Service ${asker} asked; the name never resolved, so no connection was tried and the client saw a lookup failure at once.${suggestion}`,
    ...(entry ? { entry } : {}),
  };
}

export function explainDrop(flow: Flow, opts: ExplainOptions = {}): DropExplanation {
  if (flow.dns) return explainDns(flow, flow.dns);
  const reason = resolveDropReason(flow.dropReasonNum, flow.dropReasonName);
  const dst = describeEndpoint(flow.destination);
  const src = describeEndpoint(flow.source);
  if (reason?.name === POLICY_DENY) {
    const by = flow.deniedBy.length > 0 ? ` (${flow.deniedBy.join(', ')})` : '';
    return {
      kind: 'policy-deny-rule',
      text: `A deny rule${by} blocked ${src} → ${dst}. Deny rules win over allow rules, so no values entry can allow this; change or remove that policy. ${hangText(flow, opts.appTimeoutSeconds)}`,
    };
  }
  if (reason?.name !== POLICY_DENIED) {
    const what = reason ? `${reason.text} (${reason.name})` : 'no reason reported';
    return {
      kind: 'datapath',
      text: `Cilium's datapath dropped ${src} → ${dst}: ${what}. This is not a policy decision, so values cannot change it.`,
    };
  }
  const ingress = flow.direction === 'INGRESS' || (flow.direction === 'UNKNOWN' && opts.releaseSide === 'destination');
  if (ingress) {
    return {
      kind: 'policy-ingress',
      text: `${src} tried to reach ${dst}. The sandbox denies ingress from outside the release (or its network), which is usually intended; the values have no entry to open it.`,
    };
  }
  const { entry, warning } = egressEntry(flow);
  const suggestion = entry
    ? ` To allow it, add to the values:\n${entryYaml(entry)}`
    : ' No values entry can name this destination.';
  return {
    kind: 'policy-egress',
    text: `The sandbox's egress policy denied ${src} → ${dst}. ${hangText(flow, opts.appTimeoutSeconds)}${suggestion}`,
    entry,
    warning,
  };
}
