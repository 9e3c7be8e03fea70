// Parses `hubble observe -o jsonpb` lines (GetFlowsResponse) and legacy `-o json` lines (a bare Flow).
// Never throws: anything that is not a flow is reported as skipped with a reason.
import { StringDecoder } from 'node:string_decoder';
import { Direction, DnsRefusal, Flow, FlowEndpoint, L4Protocol, TCP_FLAG_ORDER } from './flow';

export type SkipReason = 'empty' | 'not-json' | 'not-flow' | 'invalid-flow';
export type ParsedLine = { kind: 'flow'; flow: Flow } | { kind: 'skip'; reason: SkipReason };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Hubble prints proto names; other protojson printers use lowerCamelCase. Accept both. */
function field(o: Obj, snake: string): unknown {
  if (snake in o) return o[snake];
  const camel = snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return o[camel];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** uint32 prints as a number, 64-bit integers as strings. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A transport port: an integer 0–65535, else unknown (a forged or corrupt record). */
function port(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

function endpoint(raw: unknown, ip: string | undefined, port: number | undefined, names: string[]): FlowEndpoint {
  const o = isObj(raw) ? raw : {};
  const workloads = Array.isArray(o.workloads)
    ? o.workloads.filter(isObj).map((w) => [str(w.kind), str(w.name)].filter(Boolean).join('/'))
    : [];
  return {
    ip,
    port,
    namespace: str(o.namespace),
    pod: str(field(o, 'pod_name')),
    identity: num(o.identity),
    labels: strList(o.labels),
    names,
    workloads,
  };
}

interface L4 {
  protocol: L4Protocol;
  srcPort?: number;
  dstPort?: number;
  flags: string[];
  icmpType?: number;
}

function l4(raw: unknown): L4 {
  if (!isObj(raw)) return { protocol: 'OTHER', flags: [] };
  for (const proto of ['TCP', 'UDP', 'SCTP'] as const) {
    const p = raw[proto];
    if (isObj(p)) {
      const flagsObj = proto === 'TCP' && isObj(p.flags) ? p.flags : {};
      return {
        protocol: proto,
        srcPort: port(field(p, 'source_port')),
        dstPort: port(field(p, 'destination_port')),
        flags: TCP_FLAG_ORDER.filter((f) => flagsObj[f] === true),
      };
    }
  }
  for (const proto of ['ICMPv4', 'ICMPv6'] as const) {
    const p = raw[proto];
    if (isObj(p)) return { protocol: proto, flags: [], icmpType: num(p.type) };
  }
  return { protocol: 'OTHER', flags: [] };
}

function direction(v: unknown): Direction {
  return v === 'EGRESS' || v === 'INGRESS' ? v : 'UNKNOWN';
}

function deniedBy(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((p) => [str(p.namespace), str(p.name)].filter(Boolean).join('/') || 'policy');
}

/** DNS rcode numbers (RFC 1035/6895) a refusal carries. */
const RCODES: Readonly<Record<number, string>> = { 0: 'NOERROR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };

/** A dropped L7 DNS flow: the lookup Cilium's DNS proxy refused. */
function dnsRefusal(f: Obj, verdict: string | undefined): DnsRefusal | undefined {
  const l7 = isObj(f.l7) ? f.l7 : undefined;
  const dns = l7 && isObj(l7.dns) ? l7.dns : undefined;
  const query = dns ? str(dns.query) : undefined;
  if (!dns || !query || verdict !== 'DROPPED') return undefined;
  const rcode = num(dns.rcode);
  return {
    query: query.replace(/\.$/, ''),
    qtypes: strList(dns.qtypes),
    rcode: rcode ? (RCODES[rcode] ?? String(rcode)) : 'REFUSED',
    via: 'cilium',
  };
}

/** Builds a Flow from a Flow object; undefined when it does not look like one. */
export function flowFromObject(f: Obj, outer?: Obj): Flow | undefined {
  const verdict = str(f.verdict);
  const ipObj = isObj(f.IP) ? f.IP : undefined;
  if (!verdict && !ipObj && !isObj(f.l4)) return undefined;
  const time = str(f.time) ?? (outer ? str(outer.time) : undefined);
  if (!time) return undefined;
  const l = l4(f.l4);
  const eventType = isObj(field(f, 'event_type')) ? (field(f, 'event_type') as Obj) : undefined;
  const evType = eventType ? num(eventType.type) : undefined;
  const subType = eventType ? num(field(eventType, 'sub_type')) : undefined;
  // Drop events (type 1) carry the reason as sub_type; drop_reason is the deprecated uint32 copy.
  const reasonNum = num(field(f, 'drop_reason')) ?? (evType === 1 ? subType : undefined);
  return {
    time,
    verdict: verdict ?? 'VERDICT_UNKNOWN',
    direction: direction(field(f, 'traffic_direction')),
    source: endpoint(f.source, ipObj ? str(ipObj.source) : undefined, l.srcPort, strList(field(f, 'source_names'))),
    destination: endpoint(
      f.destination,
      ipObj ? str(ipObj.destination) : undefined,
      l.dstPort,
      strList(field(f, 'destination_names')),
    ),
    protocol: l.protocol,
    tcpFlags: l.flags,
    icmpType: l.icmpType,
    node: str(field(f, 'node_name')) ?? (outer ? str(field(outer, 'node_name')) : undefined) ?? '',
    eventType: evType,
    dropReasonNum: reasonNum,
    dropReasonName: str(field(f, 'drop_reason_desc')),
    isReply: f.is_reply === true || f.reply === true || (isObj(f.is_reply) && f.is_reply.value === true),
    deniedBy: [...deniedBy(field(f, 'egress_denied_by')), ...deniedBy(field(f, 'ingress_denied_by'))],
    summary: str(f.Summary),
    ...(str(f.uuid) ? { uuid: str(f.uuid) } : {}),
    ...dnsField(dnsRefusal(f, verdict)),
  };
}

function dnsField(dns: DnsRefusal | undefined): { dns?: DnsRefusal } {
  return dns ? { dns } : {};
}

export function parseFlowLine(line: string): ParsedLine {
  const text = line.trim();
  if (text === '') return { kind: 'skip', reason: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'skip', reason: 'not-json' };
  }
  if (!isObj(value)) return { kind: 'skip', reason: 'not-json' };
  // jsonpb: GetFlowsResponse {flow|node_status|lost_events, node_name, time}; legacy: the Flow itself.
  const inner = value.flow;
  if (inner !== undefined) {
    if (!isObj(inner)) return { kind: 'skip', reason: 'invalid-flow' };
    const flow = flowFromObject(inner, value);
    return flow ? { kind: 'flow', flow } : { kind: 'skip', reason: 'invalid-flow' };
  }
  if ('node_status' in value || 'lost_events' in value || 'agent_event' in value || 'debug_event' in value) {
    return { kind: 'skip', reason: 'not-flow' };
  }
  const flow = flowFromObject(value);
  return flow ? { kind: 'flow', flow } : { kind: 'skip', reason: 'not-flow' };
}

/** Splits a byte stream into lines and parses each; counts what was skipped. */
export class FlowLineSplitter {
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');
  readonly skipped: Record<SkipReason, number> = { empty: 0, 'not-json': 0, 'not-flow': 0, 'invalid-flow': 0 };
  /** Guards against a peer that never sends a newline. */
  private static readonly MAX_LINE = 1 << 20;

  constructor(private readonly onFlow: (flow: Flow, raw: string) => void) {}

  push(chunk: string | Buffer): void {
    // The decoder keeps a multi-byte character that is split across chunks.
    const data = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = data.split('\n');
    this.rest = lines.pop() ?? '';
    if (this.rest.length > FlowLineSplitter.MAX_LINE) {
      this.rest = '';
      this.skipped['not-json']++;
    }
    for (const line of lines) this.line(line);
  }

  end(): void {
    this.rest += this.decoder.end();
    if (this.rest.trim() !== '') this.line(this.rest);
    this.rest = '';
  }

  get skippedTotal(): number {
    return this.skipped['not-json'] + this.skipped['not-flow'] + this.skipped['invalid-flow'];
  }

  private line(line: string): void {
    const r = parseFlowLine(line);
    if (r.kind === 'flow') this.onFlow(r.flow, line.trim());
    else this.skipped[r.reason]++;
  }
}
