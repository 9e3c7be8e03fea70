// Core models → the display-ready rows of the protocol (pure; no VS Code).
import { describeEndpoint } from '../cilium/flow';
import { DestinationSummary, FlowGroup, entryId, reasonName } from '../cilium/model';
import { resolveDropReason } from '../cilium/reasons';
import { entryYaml } from '../cilium/suggest';
import { StreamStatus } from '../cilium/streamStatus';
import { inspectPodTimeouts, timeoutValues, type TimeoutPodLike } from '../timeouts/inspect';
import { riskTable } from '../timeouts/riskTable';
import {
  SUGGESTION_ID,
  type FlowRow,
  type StreamStatusView,
  type SummaryRow,
  type TimeoutsView,
} from '../../protocol/inspector';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function toFlowRow(g: FlowGroup): FlowRow {
  const f = g.flow;
  if (f.dns) return dnsRow(g, f.dns);
  const reason = resolveDropReason(f.dropReasonNum, f.dropReasonName);
  const proto =
    f.protocol === 'ICMPv4' || f.protocol === 'ICMPv6'
      ? `${f.protocol}${f.icmpType !== undefined ? ` type ${f.icmpType}` : ''}`
      : f.protocol;
  const entry = g.explanation.entry;
  return {
    id: g.id,
    firstTime: f.time.slice(0, 64),
    lastTime: g.lastTime.slice(0, 64),
    count: g.count,
    direction: f.direction,
    source: clip(describeEndpoint(f.source), 8192),
    destination: clip(describeEndpoint(f.destination), 8192),
    protocol: clip(proto, 16),
    flags: f.tcpFlags.join(','),
    reasonName: clip(reason?.name ?? 'UNKNOWN', 128),
    reasonText: clip(reason?.text ?? 'No drop reason reported', 512),
    nodes: [...g.nodes].slice(0, 64).map((n) => clip(n, 253)),
    kind: g.explanation.kind,
    ...(entry && SUGGESTION_ID.test(entryId(entry)) ? { suggestionId: entryId(entry) } : {}),
  };
}

/** A refused lookup: the destination is the name asked for, the reason the rcode the client got. */
function dnsRow(g: FlowGroup, dns: NonNullable<FlowGroup['flow']['dns']>): FlowRow {
  const f = g.flow;
  const entry = g.explanation.entry;
  const rcode = dns.rcode ?? 'REFUSED';
  return {
    id: g.id,
    firstTime: f.time.slice(0, 64),
    lastTime: g.lastTime.slice(0, 64),
    count: g.count,
    direction: 'EGRESS',
    source: clip(describeEndpoint({ ...f.source, port: undefined }), 8192),
    destination: clip(dns.query, 8192),
    protocol: 'DNS',
    flags: dns.qtypes.join(',').slice(0, 64),
    reasonName: clip(reasonName(g), 128),
    reasonText: dns.via === 'cilium' ? `Cilium's DNS proxy answered ${rcode}` : `DNS sidecar answered ${rcode}`,
    nodes: [...g.nodes].slice(0, 64).map((n) => clip(n, 253)),
    kind: 'dns-refused',
    ...(entry && SUGGESTION_ID.test(entryId(entry)) ? { suggestionId: entryId(entry) } : {}),
  };
}

export function toSummaryRow(s: DestinationSummary): SummaryRow {
  const entry = s.explanation.entry;
  return {
    destination: clip(s.destination, 8192),
    count: s.count,
    rows: s.rows,
    lastTime: s.lastTime.slice(0, 64),
    reasons: s.reasons.slice(0, 64).map((r) => clip(r, 128)),
    sources: s.sources.slice(0, 256).map((r) => clip(r, 8192)),
    kind: s.explanation.kind,
    explanation: clip(s.explanation.text, 8192),
    ...(entry && SUGGESTION_ID.test(entryId(entry))
      ? { suggestionId: entryId(entry), suggestionYaml: entryYaml(entry) }
      : {}),
    ...(s.explanation.warning ? { warning: s.explanation.warning } : {}),
  };
}

export function toStatusView(s: StreamStatus): StreamStatusView {
  return {
    kind: s.kind,
    ...(s.message ? { message: clip(s.message, 8192) } : {}),
    agents: (s.agents ?? []).map((a) => ({
      node: a.node,
      state: a.state,
      ...(a.pod ? { pod: a.pod } : {}),
      ...(a.message ? { message: clip(a.message, 8192) } : {}),
      ...(a.attempt ? { attempt: Math.min(a.attempt, 1000) } : {}),
    })),
    ...(s.source
      ? {
          source: {
            kind: s.source.kind,
            detail: clip(s.source.detail, 8192),
            ...(s.source.grant ? { grant: clip(s.source.grant, 8192) } : {}),
          },
        }
      : {}),
  };
}

/** The Timeouts tab from the release's pods and its values (helm's stored config or the values file). */
export function buildTimeoutsView(pods: readonly TimeoutPodLike[], values: unknown, valuesFile?: string): TimeoutsView {
  const tv = timeoutValues(values);
  const rows = pods.map((p) => inspectPodTimeouts(p, tv)).sort((a, b) => a.pod.localeCompare(b.pod));
  // The release's level: what its pods say, else what the values say (the chart default otherwise).
  const first = rows[0] ?? inspectPodTimeouts({}, tv);
  const p = riskTable[first.riskLevel];
  return {
    riskLevel: first.riskLevel,
    riskSource: first.riskSource,
    expected: {
      appTimeoutSeconds: p.appTimeoutSeconds,
      deadlineSeconds: p.deadlineSeconds,
      graceMin: p.grace.min,
      graceMax: p.grace.max,
    },
    ...(valuesFile ? { valuesFile } : {}),
    pods: rows.map((r) => ({
      pod: r.pod,
      ...(r.node ? { node: r.node } : {}),
      ...(r.phase ? { phase: r.phase } : {}),
      containers: r.containers.map((c) => ({ name: c.name, preStop: c.preStop })),
      grace: r.grace,
      activeDeadline: r.activeDeadline,
      appTimeout: r.appTimeout,
      deadline: r.deadline,
      findings: r.findings.map((f) => ({ ...f })),
    })),
  };
}
