// The drop log of one release: a bounded ring of flows, grouped into rows, summarised by destination.
import { Flow, describeEndpoint, endpointName } from './flow';
import { ReleaseScope, releaseFilter, releaseSide } from './release';
import { DropExplanation, ValuesEntry, explainDrop } from './suggest';
import { RingBuffer } from './ring';
import { resolveDropReason } from './reasons';

export const DEFAULT_CAPACITY = 10_000;
/** Linux retries a SYN 6 times with doubling back-off (1 s … 64 s), so retries of one connect fit in 70 s gaps. */
export const DEFAULT_GROUP_GAP_MS = 70_000;

export interface FlowGroup {
  readonly id: string;
  readonly key: string;
  /** The first flow of the group stands for all of them. */
  readonly flow: Flow;
  readonly firstTime: string;
  lastTime: string;
  lastMs: number;
  count: number;
  readonly nodes: Set<string>;
  readonly explanation: DropExplanation;
}

export interface DestinationSummary {
  readonly destination: string;
  readonly count: number;
  readonly rows: number;
  readonly lastTime: string;
  readonly reasons: readonly string[];
  readonly sources: readonly string[];
  readonly explanation: DropExplanation;
}

export interface ModelChanges {
  readonly upserted: readonly FlowGroup[];
  readonly removed: readonly string[];
}

export interface DropModelOptions {
  readonly capacity?: number;
  readonly groupGapMs?: number;
  /** When set, only flows from or to this release's pods are kept. */
  readonly scope?: ReleaseScope;
  readonly appTimeoutSeconds?: number;
}

interface Entry {
  readonly flow: Flow;
  readonly raw: string;
  readonly group: FlowGroup;
}

export function groupKey(f: Flow): string {
  if (f.dns)
    return ['DNS', f.dns.via, f.dns.query, f.source.namespace ?? '', f.source.pod ?? f.source.ip ?? ''].join('|');
  const end = (e: Flow['source']) => (e.ip ? `${e.ip}:${e.port ?? ''}` : describeEndpoint(e));
  const reason = resolveDropReason(f.dropReasonNum, f.dropReasonName)?.name ?? '';
  return [f.direction, f.protocol, f.icmpType ?? '', end(f.source), end(f.destination), reason].join('|');
}

export function entryId(e: ValuesEntry): string {
  switch (e.key) {
    case 'allowDomains':
      return `allowDomains:${e.domain}`;
    case 'allowDomainsPorts':
      return `allowDomainsPorts:${e.domain}:${e.port}/${e.protocol}`;
    case 'allowCIDR':
      return `allowCIDR:${e.cidr}`;
    case 'allowEntities':
      return `allowEntities:${e.entity}`;
  }
}

export class DropModel {
  private readonly ring: RingBuffer<Entry>;
  private readonly gapMs: number;
  private accepts: (f: Flow) => boolean;
  private scope: ReleaseScope | undefined;
  private appTimeoutSeconds: number | undefined;
  /** The newest group per key; older groups of the same key stay in `groups` until evicted. */
  private readonly latest = new Map<string, FlowGroup>();
  private readonly groupsById = new Map<string, FlowGroup>();
  private readonly changed = new Map<string, FlowGroup>();
  private readonly removed = new Set<string>();
  private nextId = 1;
  readonly ignored = { notDropped: 0, otherRelease: 0 };

  constructor(opts: DropModelOptions = {}) {
    this.ring = new RingBuffer<Entry>(opts.capacity ?? DEFAULT_CAPACITY);
    this.gapMs = opts.groupGapMs ?? DEFAULT_GROUP_GAP_MS;
    this.scope = opts.scope;
    this.accepts = opts.scope ? releaseFilter(opts.scope) : () => true;
    this.appTimeoutSeconds = opts.appTimeoutSeconds;
  }

  /** The release's pods change (new pods, other nodes): later flows are filtered with the new list. */
  setScope(scope: ReleaseScope): void {
    this.scope = scope;
    this.accepts = releaseFilter(scope);
  }

  /** Used in the explanation of rows created from now on ("hangs until its timeout, N s here"). */
  setAppTimeout(seconds: number | undefined): void {
    this.appTimeoutSeconds = seconds;
  }

  /** Adds a flow; returns false when it is not a drop or not about this release. */
  add(flow: Flow, raw: string = JSON.stringify(flow)): boolean {
    if (flow.verdict !== 'DROPPED') {
      this.ignored.notDropped++;
      return false;
    }
    if (!this.accepts(flow)) {
      this.ignored.otherRelease++;
      return false;
    }
    const ms = Date.parse(flow.time);
    const at = Number.isNaN(ms) ? 0 : ms;
    const key = groupKey(flow);
    let group = this.latest.get(key);
    if (!group || !this.groupsById.has(group.id) || Math.abs(at - group.lastMs) > this.gapMs) {
      group = this.newGroup(key, flow, at);
    } else {
      group.count++;
      if (at >= group.lastMs) {
        group.lastMs = at;
        group.lastTime = flow.time;
      }
      if (flow.node) group.nodes.add(flow.node);
    }
    this.changed.set(group.id, group);
    const evicted = this.ring.push({ flow, raw, group });
    if (evicted) this.release(evicted.group);
    return true;
  }

  private newGroup(key: string, flow: Flow, at: number): FlowGroup {
    const scope = this.scope;
    const side = scope ? releaseSide(flow, scope) : undefined;
    const group: FlowGroup = {
      id: `g${this.nextId++}`,
      key,
      flow,
      firstTime: flow.time,
      lastTime: flow.time,
      lastMs: at,
      count: 1,
      nodes: new Set(flow.node ? [flow.node] : []),
      explanation: explainDrop(flow, { releaseSide: side, appTimeoutSeconds: this.appTimeoutSeconds }),
    };
    this.groupsById.set(group.id, group);
    this.latest.set(key, group);
    return group;
  }

  private release(group: FlowGroup): void {
    group.count--;
    if (group.count > 0) {
      this.changed.set(group.id, group);
      return;
    }
    this.groupsById.delete(group.id);
    if (this.latest.get(group.key) === group) this.latest.delete(group.key);
    this.changed.delete(group.id);
    this.removed.add(group.id);
  }

  get size(): number {
    return this.ring.size;
  }

  get evicted(): number {
    return this.ring.evicted;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  /** Rows in the order they first appeared. */
  groups(): FlowGroup[] {
    return [...this.groupsById.values()];
  }

  group(id: string): FlowGroup | undefined {
    return this.groupsById.get(id);
  }

  /** What changed since the previous call (for batched updates to a view). */
  takeChanges(): ModelChanges {
    const out = { upserted: [...this.changed.values()], removed: [...this.removed] };
    this.changed.clear();
    this.removed.clear();
    return out;
  }

  summary(): DestinationSummary[] {
    const by = new Map<string, { groups: FlowGroup[]; count: number; lastMs: number; lastTime: string }>();
    for (const g of this.groupsById.values()) {
      const dest = destinationName(g.flow);
      const s = by.get(dest) ?? { groups: [], count: 0, lastMs: -Infinity, lastTime: g.lastTime };
      s.groups.push(g);
      s.count += g.count;
      if (g.lastMs >= s.lastMs) {
        s.lastMs = g.lastMs;
        s.lastTime = g.lastTime;
      }
      by.set(dest, s);
    }
    return [...by.entries()]
      .map(([destination, s]) => ({
        destination,
        count: s.count,
        rows: s.groups.length,
        lastTime: s.lastTime,
        reasons: unique(s.groups.map(reasonName)),
        sources: unique(s.groups.map((g) => describeEndpoint({ ...g.flow.source, port: undefined }))),
        explanation: (s.groups.find((g) => g.explanation.entry) ?? s.groups[0]).explanation,
      }))
      .sort((a, b) => b.count - a.count || a.destination.localeCompare(b.destination));
  }

  /** Every suggested values entry by id (what an "Add to values" request may name). */
  suggestions(): Map<string, ValuesEntry> {
    const out = new Map<string, ValuesEntry>();
    for (const g of this.groupsById.values()) {
      const e = g.explanation.entry;
      if (e) out.set(entryId(e), e);
    }
    return out;
  }

  /** The raw Hubble lines, oldest first, one per line. */
  exportJsonl(): string {
    return this.ring
      .toArray()
      .map((e) => e.raw)
      .join('\n')
      .concat(this.ring.size > 0 ? '\n' : '');
  }

  clear(): void {
    for (const id of this.groupsById.keys()) this.removed.add(id);
    this.ring.clear();
    this.groupsById.clear();
    this.latest.clear();
    this.changed.clear();
  }
}

/** What a summary groups by: the name asked for or connected to, so a refused lookup and dropped connections
 * to the same name share a line; else the endpoint as shown. */
export function destinationName(f: Flow): string {
  if (f.dns) return f.dns.query;
  return endpointName(f.destination) ?? describeEndpoint(f.destination);
}

/** The drop reason's name; a DNS refusal names the rcode (DNS_REFUSED / DNS_NXDOMAIN). */
export function reasonName(g: { flow: Flow }): string {
  const f = g.flow;
  if (f.dns) return `DNS_${f.dns.rcode ?? 'REFUSED'}`;
  return resolveDropReason(f.dropReasonNum, f.dropReasonName)?.name ?? 'unknown';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
