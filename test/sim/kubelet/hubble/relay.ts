// hubble-relay of the simulated cluster: a real grpc-js server speaking observer.Observer (GetFlows, ServerStatus,
// GetNodes) over the same node flow buffers that `hubble observe` in the agents reads. Filters are applied
// server-side (whitelist OR-ed, blacklist excluding); `number`/`first`/`since`/`until`/`follow` as the relay
// answers them. Relay pods (`k8s-app=hubble-relay`) serve it on their port 4245 (reached by port-forward).
import * as grpc from '@grpc/grpc-js';
import { observerService } from '../../../../src/core/cilium/relay/proto';
import { accepts, type FlowFilter } from './filter';
import { DROP_REASONS, type GetFlowsResponse, nowNs } from './flows';
import type { FlowBuffer } from './flows';

type Obj = Record<string, unknown>;

export const RELAY_PORT = 4245;
export const RELAY_VERSION = '1.18.3';

export interface RelayNode {
  name: string;
  address: string;
  buffer: FlowBuffer;
  /** Why the node is unreachable (agent down, Hubble disabled), or undefined. */
  unavailable(): string | undefined;
}

const DROP_REASON_NUM: Record<string, number> = Object.fromEntries(
  Object.entries(DROP_REASONS).map(([n, s]) => [s, Number(n)]),
);

function timestamp(iso: string): { seconds: string; nanos: number } {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(iso);
  const secs = Math.floor(Date.parse(`${m?.[1] ?? iso}Z`) / 1000);
  return { seconds: String(secs), nanos: Number((m?.[2] ?? '0').padEnd(9, '0').slice(0, 9)) };
}

const tsNs = (t: unknown): bigint | undefined => {
  const o = t as { seconds?: string | number; nanos?: number } | undefined;
  if (!o || o.seconds === undefined) return undefined;
  return BigInt(o.seconds) * 1_000_000_000n + BigInt(o.nanos ?? 0);
};

/** The jsonpb flow object → the message object grpc-js encodes (Timestamps, wrappers, enums by number when unnamed). */
export function toMessage(r: GetFlowsResponse): Obj {
  const f = r.flow as Obj;
  const flow: Obj = { ...f, time: timestamp(String(f.time)) };
  if (typeof f.drop_reason_desc === 'string')
    flow.drop_reason_desc = DROP_REASON_NUM[f.drop_reason_desc] ?? f.drop_reason_desc;
  if (typeof f.is_reply === 'boolean') flow.is_reply = { value: f.is_reply };
  return { flow, node_name: r.node_name, time: timestamp(r.time) };
}

/** flow.FlowFilter (proto) → the sim's field map (the keys `hubble observe` flags build). */
export function toFilter(p: Obj): FlowFilter {
  const f: FlowFilter = new Map();
  const put = (key: string, vals: unknown): void => {
    if (Array.isArray(vals) && vals.length) f.set(key, vals.map(String));
  };
  for (const k of [
    'source_ip',
    'destination_ip',
    'source_pod',
    'destination_pod',
    'source_fqdn',
    'destination_fqdn',
    'source_label',
    'destination_label',
    'destination_port',
  ])
    put(k, p[k]);
  put('verdict', p.verdict);
  put('protocol', p.protocol);
  put('node-name', p.node_name);
  put('traffic-direction', p.traffic_direction);
  put('dns-query', p.dns_query);
  const et = p.event_type as Array<{ type?: number; match_sub_type?: boolean; sub_type?: number }> | undefined;
  if (et?.length)
    f.set(
      'type',
      et.map((e) => (e.match_sub_type ? `${e.type ?? 0}:${e.sub_type ?? 0}` : String(e.type ?? 0))),
    );
  return f;
}

export class Relay {
  private server?: grpc.Server;
  private port = 0;
  private readonly started = nowNs();
  private readonly calls = new Set<grpc.ServerWritableStream<Obj, Obj>>();

  constructor(private readonly nodes: () => RelayNode[]) {}

  /** GetFlows calls being served (tests wait for a follower before generating traffic). */
  get openCalls(): number {
    return this.calls.size;
  }

  /** Starts the server on a local port (once) and returns it. */
  async listen(): Promise<number> {
    if (this.server) return this.port;
    const server = new grpc.Server();
    server.addService(observerService().service, {
      GetFlows: (call: grpc.ServerWritableStream<Obj, Obj>) => this.getFlows(call),
      ServerStatus: (_c: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) => cb(null, this.status()),
      GetNodes: (_c: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) => cb(null, this.getNodes()),
    });
    this.server = server;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    return this.port;
  }

  close(): void {
    for (const c of this.calls) c.destroy();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  status(): Obj {
    const nodes = this.nodes();
    const down = nodes.filter((n) => n.unavailable());
    const up = nodes.filter((n) => !n.unavailable());
    return {
      num_flows: String(up.reduce((a, n) => a + n.buffer.size, 0)),
      max_flows: String(up.reduce((a, n) => a + n.buffer.capacity, 0)),
      seen_flows: String(up.reduce((a, n) => a + n.buffer.seen, 0)),
      uptime_ns: String(nowNs() - this.started),
      num_connected_nodes: { value: up.length },
      num_unavailable_nodes: { value: down.length },
      unavailable_nodes: down.map((n) => n.name),
      version: RELAY_VERSION,
    };
  }

  private getNodes(): Obj {
    return {
      nodes: this.nodes().map((n) => ({
        name: n.name,
        version: RELAY_VERSION,
        address: `${n.address}:4244`,
        state: n.unavailable() ? 'NODE_UNAVAILABLE' : 'NODE_CONNECTED',
      })),
    };
  }

  private getFlows(call: grpc.ServerWritableStream<Obj, Obj>): void {
    const req = call.request;
    const filters = {
      allow: ((req.whitelist as Obj[] | undefined) ?? []).map(toFilter),
      deny: ((req.blacklist as Obj[] | undefined) ?? []).map(toFilter),
    };
    const since = tsNs(req.since);
    const until = tsNs(req.until);
    const number = Number(req.number ?? 0);
    const nodes = this.nodes().filter((n) => !n.unavailable());
    let past = nodes
      .flatMap((n) => n.buffer.snapshot())
      .filter(
        (e) =>
          (since === undefined || e.ns >= since) &&
          (until === undefined || e.ns <= until) &&
          accepts(filters, e.response.flow),
      )
      .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    if (number > 0) past = req.first ? past.slice(0, number) : past.slice(-number);
    else if (req.follow && since === undefined) past = [];
    this.calls.add(call);
    const unsubs: Array<() => void> = [];
    const end = (): void => {
      for (const u of unsubs.splice(0)) u();
      this.calls.delete(call);
    };
    call.on('cancelled', end);
    call.on('error', end);
    call.on('close', end);
    for (const e of past) call.write(toMessage(e.response));
    if (!req.follow || (until !== undefined && until < nowNs())) {
      end();
      call.end();
      return;
    }
    for (const n of nodes)
      unsubs.push(n.buffer.follow((e) => accepts(filters, e.response.flow) && call.write(toMessage(e.response))));
  }
}
