// The normalised flow the inspector works with, independent of Hubble's output flavour.

export type Direction = 'EGRESS' | 'INGRESS' | 'UNKNOWN';
export type L4Protocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMPv4' | 'ICMPv6' | 'OTHER';

export interface FlowEndpoint {
  readonly ip?: string;
  readonly port?: number;
  readonly namespace?: string;
  readonly pod?: string;
  readonly identity?: number;
  /** Cilium labels as printed, e.g. `k8s:app=web`, `reserved:world-ipv4`, `fqdn:example.com.`. */
  readonly labels: readonly string[];
  /** DNS names Cilium associated with the IP (destination only). */
  readonly names: readonly string[];
  readonly workloads: readonly string[];
}

/** A DNS lookup the sandbox refused: Cilium's DNS proxy (an L7 flow, REFUSED) or our CoreDNS sidecar (its log). */
export interface DnsRefusal {
  /** The name asked for, without the trailing dot. */
  readonly query: string;
  readonly qtypes: readonly string[];
  /** DNS rcode name the client got (REFUSED, NXDOMAIN), when known. */
  readonly rcode?: string;
  readonly via: 'cilium' | 'coredns';
}

export interface Flow {
  /** RFC 3339 with nanoseconds as Hubble prints it. */
  readonly time: string;
  readonly verdict: string;
  readonly direction: Direction;
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly protocol: L4Protocol;
  /** TCP flags that are set, in a fixed order (SYN, ACK, FIN, RST, PSH, URG, ECE, CWR, NS). */
  readonly tcpFlags: readonly string[];
  readonly icmpType?: number;
  readonly node: string;
  /** Monitor event type: 1 drop, 5 policy verdict, 4 trace... */
  readonly eventType?: number;
  readonly dropReasonNum?: number;
  readonly dropReasonName?: string;
  readonly isReply: boolean;
  /** Policies that denied it (egress_denied_by / ingress_denied_by). */
  readonly deniedBy: readonly string[];
  readonly summary?: string;
  /** Hubble's id of the event (Cilium ≥ 1.11), when printed: the stable key against replays. */
  readonly uuid?: string;
  /** Set on a refused DNS lookup (an L7 DNS flow or a sidecar log line). */
  readonly dns?: DnsRefusal;
}

export const TCP_FLAG_ORDER = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'NS'] as const;

/** Reserved identities Cilium hands out (pkg/identity/numericidentity.go). */
export const RESERVED_IDENTITIES: Readonly<Record<number, string>> = {
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world-ipv4',
  10: 'world-ipv6',
};

/** The reserved entity of an endpoint (`world`, `host`, `kube-apiserver`...), from labels or identity. */
export function reservedEntity(e: FlowEndpoint): string | undefined {
  const reserved = e.labels.filter((l) => l.startsWith('reserved:')).map((l) => l.slice('reserved:'.length));
  // kube-apiserver and host carry more than one reserved label; the specific one wins over world.
  const specific = reserved.find((r) => !r.startsWith('world'));
  if (specific) return specific;
  if (reserved.length > 0) return reserved[0];
  return e.identity !== undefined ? RESERVED_IDENTITIES[e.identity] : undefined;
}

export function isWorld(e: FlowEndpoint): boolean {
  const r = reservedEntity(e);
  return r === 'world' || r === 'world-ipv4' || r === 'world-ipv6';
}

/** DNS name of the endpoint: destination_names first, else an `fqdn:` label (trailing dot removed). */
export function endpointName(e: FlowEndpoint): string | undefined {
  if (e.names.length > 0) return e.names[0].replace(/\.$/, '');
  const fqdn = e.labels.find((l) => l.startsWith('fqdn:'));
  return fqdn ? fqdn.slice('fqdn:'.length).replace(/\.$/, '') : undefined;
}

/** Short human form: `ns/pod`, a DNS name, `reserved:world`, `identity 1234` or the IP, plus `:port`. */
export function describeEndpoint(e: FlowEndpoint): string {
  let who: string;
  const name = endpointName(e);
  const entity = reservedEntity(e);
  if (e.pod) who = e.namespace ? `${e.namespace}/${e.pod}` : e.pod;
  else if (name) who = e.ip ? `${name} (${e.ip})` : name;
  else if (entity && e.ip) who = `${e.ip} (${entity})`;
  else if (e.ip) who = e.ip;
  else if (entity) who = entity;
  else if (e.identity !== undefined) who = `identity ${e.identity}`;
  else who = 'unknown';
  if (e.port === undefined) return who;
  return e.ip && e.ip.includes(':') && who === e.ip ? `[${who}]:${e.port}` : `${who}:${e.port}`;
}

/** The chart's service of an endpoint (label `inspect/service`), else its pod. */
export function endpointService(e: FlowEndpoint): string | undefined {
  const l = e.labels.find((x) => x.startsWith('k8s:inspect/service='));
  return l ? l.slice('k8s:inspect/service='.length) : e.pod;
}
