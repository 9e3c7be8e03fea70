// Refused lookups of our chart's CoreDNS sidecar, read from its query log (the `log` plugin in every server
// block of the chart's Corefile) through pods/log: no permission beyond reading logs. CoreDNS' default (common)
// format, with the kubelet's timestamp in front when asked for `timestamps=true`:
//   2026-12-04T15:00:00.123456789Z [INFO] 127.0.0.1:51472 - 30255 "A IN api.openai.com. udp 32 false 512" NXDOMAIN qr,aa,rd 107 0.000116s
// {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}
import type { Flow } from './flow';

/** The sidecar container the chart adds to every pod. */
export const DNS_SIDECAR = 'coredns';

/** rcodes that mean the sidecar would not resolve the name (the chart answers NXDOMAIN outside allowDomains). */
const REFUSALS = new Set(['NXDOMAIN', 'REFUSED']);

const LINE =
  /^(?:(\d{4}-\d\d-\d\dT\S+Z)\s+)?\[INFO\]\s+(\[?[0-9a-fA-F.:]+\]?):(\d+)\s+-\s+\d+\s+"(\S+)\s+\S+\s+(\S+)\s+\S+\s+\d+\s+\S+\s+\d+"\s+([A-Z]+)\s/;

export interface SidecarPod {
  readonly namespace: string;
  readonly pod: string;
  /** The chart's service (label inspect/service). */
  readonly service?: string;
  readonly node?: string;
  readonly ip?: string;
}

/** A refused lookup as a flow (source: the pod whose service asked), or undefined for anything else. */
export function parseSidecarLine(line: string, p: SidecarPod, now: () => Date = () => new Date()): Flow | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, stamp, , , qtype, name, rcode] = m;
  // Without the kubelet's timestamp (a server that ignores timestamps=true) the line is as recent as its arrival.
  const time = stamp ?? now().toISOString();
  if (!REFUSALS.has(rcode) || Number.isNaN(Date.parse(time))) return undefined;
  const query = name.replace(/\.$/, '').toLowerCase();
  if (!query) return undefined;
  return {
    time,
    verdict: 'DROPPED',
    direction: 'EGRESS',
    source: {
      namespace: p.namespace,
      pod: p.pod,
      ...(p.ip ? { ip: p.ip } : {}),
      labels: p.service ? [`k8s:inspect/service=${p.service}`] : [],
      names: [],
      workloads: [],
    },
    destination: { labels: [], names: [query], workloads: [] },
    protocol: 'UDP',
    tcpFlags: [],
    node: p.node ?? '',
    isReply: false,
    deniedBy: [],
    dns: { query, qtypes: [qtype], rcode, via: 'coredns' },
  };
}
