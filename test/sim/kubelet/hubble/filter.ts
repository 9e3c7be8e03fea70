// `hubble observe` flag filters as the CLI builds them: values of one flag OR, different flags AND; a flag about
// either side (--pod, --namespace, --label, --ip, --fqdn, ...) splits the filter into a source-side and a
// destination-side FlowFilter; `--not` sends the next filter to the deny list.
import { EVENT_TYPES, type Flow, TRACE_POINTS } from './flows';

type Side = 'source' | 'destination';
/** Field -> accepted values; a flow matches when every field present has one matching value. */
export type FlowFilter = Map<string, string[]>;

const BOTH: Record<string, string> = {
  pod: 'pod',
  namespace: 'pod',
  n: 'pod',
  label: 'label',
  l: 'label',
  ip: 'ip',
  fqdn: 'fqdn',
  identity: 'identity',
  port: 'port',
  workload: 'workload',
  service: 'service',
};
const NON_DIRECTIONAL = new Set([
  'verdict',
  'type',
  't',
  'drop-reason-desc',
  'traffic-direction',
  'protocol',
  'node-name',
  'tcp-flags',
  'uuid',
  'ipv4',
  '4',
  'ipv6',
  '6',
  'ip-version',
]);

export const FILTER_FLAGS = new Set([
  ...Object.keys(BOTH),
  ...NON_DIRECTIONAL,
  ...Object.values(BOTH).flatMap((f) => [`from-${f}`, `to-${f}`]),
  'from-namespace',
  'to-namespace',
  'all-namespaces',
  'A',
  'from-all-namespaces',
  'to-all-namespaces',
]);

const podValue = (flag: string, v: string): string => {
  if (flag === 'namespace' || flag === 'n' || flag.endsWith('-namespace')) return `${v}/`;
  return v.includes('/') ? v : `default/${v}`;
};

export class FilterBuilder {
  private allow = this.fresh();
  private deny = this.fresh();
  private negateNext = false;

  private fresh(): { left: FlowFilter; right?: FlowFilter; used: boolean } {
    return { left: new Map(), used: false };
  }

  not(): void {
    this.negateNext = true;
  }

  get pendingNot(): boolean {
    return this.negateNext;
  }

  add(flag: string, value: string): void {
    const target = this.negateNext ? this.deny : this.allow;
    this.negateNext = false;
    target.used = true;
    const push = (f: FlowFilter, key: string, v: string): void => void f.set(key, [...(f.get(key) ?? []), v]);
    if (flag === 'all-namespaces' || flag === 'A' || flag.endsWith('all-namespaces')) return; // no restriction
    if (NON_DIRECTIONAL.has(flag)) {
      const key =
        flag === 't'
          ? 'type'
          : flag === '4' || flag === 'ipv4'
            ? 'ip-version'
            : flag === '6' || flag === 'ipv6'
              ? 'ip-version'
              : flag;
      const v = flag === '4' || flag === 'ipv4' ? 'v4' : flag === '6' || flag === 'ipv6' ? 'v6' : value;
      push(target.left, key, v);
      if (target.right) push(target.right, key, v);
      return;
    }
    const m = /^(from|to)-(.+)$/.exec(flag);
    if (m) {
      const side: Side = m[1] === 'from' ? 'source' : 'destination';
      const field = m[2] === 'namespace' ? 'pod' : m[2];
      const v = field === 'pod' ? podValue(flag, value) : value;
      push(target.left, `${side}_${field}`, v);
      if (target.right) push(target.right, `${side}_${field}`, v);
      return;
    }
    const field = BOTH[flag];
    const v = field === 'pod' ? podValue(flag, value) : value;
    if (!target.right) target.right = new Map([...target.left].map(([k, vs]) => [k, [...vs]]));
    push(target.left, `source_${field}`, v);
    push(target.right, `destination_${field}`, v);
  }

  build(): { allow: FlowFilter[]; deny: FlowFilter[] } {
    const list = (t: { left: FlowFilter; right?: FlowFilter; used: boolean }): FlowFilter[] =>
      t.used ? (t.right ? [t.left, t.right] : [t.left]) : [];
    return { allow: list(this.allow), deny: list(this.deny) };
  }
}

type EndpointJson = {
  namespace?: string;
  pod_name?: string;
  labels?: string[];
  identity?: number;
  workloads?: Array<{ name: string }>;
};

/** Hubble label filters: `key=value`, `key!=value`, `key`, `!key`; a key without a source matches any source. */
function labelsMatch(selector: string, labels: string[]): boolean {
  const map = new Map<string, string>();
  for (const l of labels) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    const val = eq < 0 ? '' : l.slice(eq + 1);
    map.set(key, val);
    const colon = key.indexOf(':');
    if (colon >= 0) map.set(`any:${key.slice(colon + 1)}`, val);
  }
  const get = (k: string): string | undefined => (k.includes(':') ? map.get(k) : map.get(`any:${k}`));
  return selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .every((term) => {
      let m = /^!(.+)$/.exec(term);
      if (m) return get(m[1]) === undefined;
      m = /^(.+?)!=(.*)$/.exec(term);
      if (m) return get(m[1]) !== m[2];
      m = /^(.+?)==?(.*)$/.exec(term);
      if (m) return get(m[1]) === m[2];
      return get(term) !== undefined;
    });
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
  return re.test(value);
}

function inCidrOrEq(v: string, ip: string | undefined): boolean {
  if (!ip) return false;
  if (!v.includes('/')) return v === ip;
  const [base, bits] = v.split('/');
  const toInt = (s: string): number => s.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function fieldMatches(flow: Flow, key: string, v: string): boolean {
  const sideMatch = /^(source|destination)_(.+)$/.exec(key);
  if (sideMatch) {
    const side = sideMatch[1] as Side;
    const ep = (flow[side] ?? {}) as EndpointJson;
    const ipv = (flow.IP as { source?: string; destination?: string } | undefined)?.[side];
    const l4 = flow.l4 as
      | {
          TCP?: { source_port?: number; destination_port?: number };
          UDP?: { source_port?: number; destination_port?: number };
        }
      | undefined;
    const ports = l4?.TCP ?? l4?.UDP;
    switch (sideMatch[2]) {
      case 'pod': {
        const [ns, prefix] = [v.slice(0, v.indexOf('/')), v.slice(v.indexOf('/') + 1)];
        return ep.namespace === ns && (ep.pod_name ?? '').startsWith(prefix) && (prefix !== '' || !!ep.namespace);
      }
      case 'label':
        return labelsMatch(v, ep.labels ?? []);
      case 'ip':
        return inCidrOrEq(v, ipv);
      case 'fqdn': {
        const names =
          side === 'destination'
            ? ((flow.destination_names as string[] | undefined) ?? [])
            : ((flow.source_names as string[] | undefined) ?? []);
        return names.some((n) => glob(v, n.replace(/\.$/, '')));
      }
      case 'identity':
        return (
          String(ep.identity ?? '') === v || (v === 'world' && ep.identity === 2) || (v === 'host' && ep.identity === 1)
        );
      case 'port':
        return String(side === 'source' ? ports?.source_port : ports?.destination_port) === v;
      case 'workload':
        return (ep.workloads ?? []).some((w) => w.name === v.replace(/^[^/]*\//, ''));
      default:
        return false;
    }
  }
  switch (key) {
    case 'verdict':
      return String(flow.verdict).toUpperCase() === v.toUpperCase();
    case 'type': {
      const [name, sub] = v.split(':');
      const et = (flow.event_type ?? {}) as { type?: number; sub_type?: number };
      const t = EVENT_TYPES[name] ?? Number(name);
      if (et.type !== t) return false;
      if (sub === undefined) return true;
      const s = TRACE_POINTS[sub] ?? Number(sub);
      return (et.sub_type ?? 0) === s;
    }
    case 'drop-reason-desc':
      return String(flow.drop_reason_desc ?? '').toUpperCase() === v.toUpperCase();
    case 'traffic-direction':
      return String(flow.traffic_direction ?? '').toUpperCase() === v.toUpperCase();
    case 'protocol': {
      const l4 = (flow.l4 ?? {}) as Record<string, unknown>;
      return Object.keys(l4).some((k) => k.toLowerCase() === v.toLowerCase());
    }
    case 'node-name':
      return glob(v, String(flow.node_name ?? ''));
    case 'ip-version':
      return (
        (v === 'v4' && (flow.IP as { ipVersion?: string } | undefined)?.ipVersion === 'IPv4') ||
        (v === 'v6' && (flow.IP as { ipVersion?: string } | undefined)?.ipVersion === 'IPv6')
      );
    case 'tcp-flags': {
      const flags = ((flow.l4 as { TCP?: { flags?: Record<string, boolean> } } | undefined)?.TCP?.flags ??
        {}) as Record<string, boolean>;
      return v.split(',').every((f) => flags[f.trim().toUpperCase()]);
    }
    case 'uuid':
      return flow.uuid === v;
    case 'dns-query': {
      // flow.FlowFilter.dns_query: a regular expression on the L7 DNS query.
      const q = (flow.l7 as { dns?: { query?: string } } | undefined)?.dns?.query;
      if (q === undefined) return false;
      try {
        return new RegExp(v).test(q);
      } catch {
        return false;
      }
    }
    default:
      return false;
  }
}

export function filterMatches(f: FlowFilter, flow: Flow): boolean {
  for (const [key, values] of f) if (!values.some((v) => fieldMatches(flow, key, v))) return false;
  return true;
}

export function accepts(filters: { allow: FlowFilter[]; deny: FlowFilter[] }, flow: Flow): boolean {
  if (filters.allow.length && !filters.allow.some((f) => filterMatches(f, flow))) return false;
  return !filters.deny.some((f) => filterMatches(f, flow));
}
