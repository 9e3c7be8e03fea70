// Hubble flows in the jsonpb shape of `hubble observe -o jsonpb` (one GetFlowsResponse per line; proto field
// names, enum names as strings, zero values omitted) and each node's flow ring buffer.
import { createHash, randomUUID } from 'node:crypto';
import type { Endpoint } from './endpoints';
import type { PolicyRef } from './policy';

export const DROP_REASONS: Record<number, string> = {
  133: 'POLICY_DENIED',
  158: 'SERVICE_BACKEND_NOT_FOUND',
  181: 'POLICY_DENY',
};

/** Monitor message types (pkg/monitor/api/types.go). */
export const EVENT_TYPES: Record<string, number> = {
  drop: 1,
  debug: 2,
  capture: 3,
  trace: 4,
  'policy-verdict': 5,
  'trace-sock': 7,
  l7: 129,
  agent: 130,
};

/** Trace observation points (sub_type of trace events). */
export const TRACE_POINTS: Record<string, number> = {
  'to-endpoint': 0,
  'to-proxy': 1,
  'to-host': 2,
  'to-stack': 3,
  'to-overlay': 4,
  'from-endpoint': 5,
  'from-proxy': 6,
  'from-host': 7,
  'from-stack': 8,
  'from-overlay': 9,
  'from-network': 10,
  'to-network': 11,
};
const TRACE_POINT_ENUM: Record<number, string> = {
  0: 'TO_ENDPOINT',
  1: 'TO_PROXY',
  2: 'TO_HOST',
  3: 'TO_STACK',
  4: 'TO_OVERLAY',
  5: 'FROM_ENDPOINT',
  11: 'TO_NETWORK',
};

// Wall clock with nanoseconds that never goes backwards within the process.
const offset = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => process.hrtime.bigint() + offset;

/** RFC 3339 with nanoseconds, as protojson prints a Timestamp. */
export function formatNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

export interface Flow extends Record<string, unknown> {
  time: string;
  verdict: string;
}

export interface GetFlowsResponse {
  flow: Flow;
  node_name: string;
  time: string;
}

function endpointJson(e: Endpoint): Record<string, unknown> {
  if (e.kind !== 'pod') return { identity: e.identity, labels: e.labels };
  return {
    ID: e.id,
    identity: e.identity,
    cluster_name: 'default',
    namespace: e.namespace,
    labels: e.labels,
    pod_name: e.podName,
    ...(e.workloads?.length ? { workloads: e.workloads } : {}),
  };
}

const mac = (ip: string): string => {
  const h = createHash('sha256').update(ip).digest();
  return [(h[0] & 0xfe) | 0x02, h[1], h[2], h[3], h[4], h[5]].map((b) => b.toString(16).padStart(2, '0')).join(':');
};

export interface FlowInput {
  node: string;
  nodeLabels: string[];
  src: Endpoint;
  dst: Endpoint;
  srcPort: number;
  dstPort: number;
  protocol: 'TCP' | 'UDP';
  verdict: 'FORWARDED' | 'DROPPED';
  eventType: number;
  subType?: number;
  direction: 'EGRESS' | 'INGRESS';
  dropReason?: number;
  matchType?: number;
  policies?: PolicyRef[];
  destinationNames?: string[];
  /** An L7 DNS record (Cilium's DNS proxy): the query and the rcode it answered. */
  dns?: { query: string; rcode: number; qtypes: string[] };
}

export function buildFlow(f: FlowInput, ns = nowNs()): GetFlowsResponse {
  const time = formatNs(ns);
  const l4 =
    f.protocol === 'TCP'
      ? { TCP: { source_port: f.srcPort, destination_port: f.dstPort, flags: { SYN: true } } }
      : { UDP: { source_port: f.srcPort, destination_port: f.dstPort } };
  const drop = f.verdict === 'DROPPED' && f.dropReason;
  const byKey =
    f.direction === 'EGRESS'
      ? drop
        ? 'egress_denied_by'
        : 'egress_allowed_by'
      : drop
        ? 'ingress_denied_by'
        : 'ingress_allowed_by';
  const flow: Flow = {
    time,
    uuid: randomUUID(),
    verdict: f.verdict,
    ...(drop ? { drop_reason: f.dropReason } : {}),
    ethernet: { source: mac(f.src.ip), destination: mac(f.dst.ip) },
    IP: { source: f.src.ip, destination: f.dst.ip, ipVersion: 'IPv4' },
    l4,
    source: endpointJson(f.src),
    destination: endpointJson(f.dst),
    Type: 'L3_L4',
    node_name: f.node,
    node_labels: f.nodeLabels,
    ...(f.destinationNames?.length ? { destination_names: f.destinationNames } : {}),
    event_type: { type: f.eventType, ...(f.subType ? { sub_type: f.subType } : {}) },
    traffic_direction: f.direction,
    ...(f.matchType ? { policy_match_type: f.matchType } : {}),
    ...(f.eventType === 4
      ? { trace_observation_point: TRACE_POINT_ENUM[f.subType ?? 0] ?? 'TO_STACK', is_reply: false }
      : {}),
    ...(f.eventType === 1 ? { file: { name: 'bpf_lxc.c', line: f.dropReason === 158 ? 1573 : 1361 } } : {}),
    ...(drop ? { drop_reason_desc: DROP_REASONS[f.dropReason!] ?? 'DROP_REASON_UNKNOWN' } : {}),
    ...(f.policies?.length && f.eventType === 5 ? { [byKey]: f.policies } : {}),
    Summary: f.protocol === 'TCP' ? 'TCP Flags: SYN' : 'UDP',
  };
  if (f.dns) {
    flow.Type = 'L7';
    flow.l7 = {
      type: 'REQUEST',
      dns: { query: `${f.dns.query}.`, qtypes: f.dns.qtypes, rcode: f.dns.rcode, observation_source: 'proxy' },
    };
    flow.Summary = `DNS Query ${f.dns.query}. ${f.dns.qtypes.join(',')}`;
    delete flow.ethernet;
    delete flow.trace_observation_point;
    delete flow.is_reply;
  }
  return { flow, node_name: f.node, time };
}

interface Entry {
  ns: bigint;
  response: GetFlowsResponse;
}

/** One agent's flow ring buffer (Hubble's default capacity is 4095) with live followers. */
export class FlowBuffer {
  private entries: Entry[] = [];
  private readonly followers = new Set<(e: Entry) => void>();
  seen = 0;
  readonly createdNs = nowNs();

  constructor(readonly capacity = 4095) {}

  add(response: GetFlowsResponse, ns: bigint): void {
    const e = { ns, response };
    this.entries.push(e);
    this.seen++;
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const f of this.followers) f(e);
  }

  get size(): number {
    return this.entries.length;
  }

  snapshot(): Entry[] {
    return [...this.entries];
  }

  follow(fn: (e: Entry) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }
}
