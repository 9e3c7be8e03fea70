// A real grpc-js server speaking our observer proto (observerProto.ts), for the relay client's unit tests and the bench: records
// each GetFlows request and lets the test write responses, end or break the stream. Filtering is the real
// relay's (or the simulator's) job; this server sends what the test writes.
import * as grpc from '@grpc/grpc-js';
import { observerService } from '../../src/core/cilium/relay/proto';

type Obj = Record<string, unknown>;

export interface FakeRelay {
  readonly port: number;
  readonly requests: Obj[];
  /** Open GetFlows calls, newest last. */
  readonly calls: grpc.ServerWritableStream<Obj, Obj>[];
  status: Obj;
  /** Called for each new GetFlows call (after it is recorded). */
  onCall?: (call: grpc.ServerWritableStream<Obj, Obj>, req: Obj) => void;
  whenCalls(n: number): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startFakeRelay(): Promise<FakeRelay> {
  const server = new grpc.Server();
  const waiters: (() => void)[] = [];
  const relay: FakeRelay = {
    port: 0,
    requests: [],
    calls: [],
    status: {
      num_flows: 10,
      max_flows: 4095,
      seen_flows: 1234,
      uptime_ns: 1,
      num_connected_nodes: { value: 2 },
      num_unavailable_nodes: { value: 0 },
      version: '1.18.3',
    },
    whenCalls(n) {
      return new Promise((resolve) => {
        const check = () => (relay.requests.length >= n ? (resolve(), true) : false);
        if (!check()) waiters.push(() => void check());
      });
    },
    async shutdown() {
      for (const c of relay.calls) c.destroy(new Error('relay going away'));
      server.forceShutdown();
    },
  };
  server.addService(observerService().service, {
    GetFlows(call: grpc.ServerWritableStream<Obj, Obj>) {
      relay.requests.push(call.request);
      relay.calls.push(call);
      relay.onCall?.(call, call.request);
      for (const w of waiters.splice(0)) w();
    },
    ServerStatus(_call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) {
      cb(null, relay.status);
    },
    GetNodes(_call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) {
      cb(null, { nodes: [] });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  (relay as { port: number }).port = port;
  return relay;
}

export interface RelayFlowSpec {
  seconds: number;
  nanos?: number;
  namespace: string;
  pod: string;
  release?: string;
  dstIp?: string;
  dstPort?: number;
  names?: string[];
  dnsQuery?: string;
  uuid?: string;
  node?: string;
}

/** A GetFlowsResponse as the relay sends it (proto field names; enums by name). */
export function relayFlow(s: RelayFlowSpec): Obj {
  const labels = [
    `k8s:io.kubernetes.pod.namespace=${s.namespace}`,
    ...(s.release ? [`k8s:app.kubernetes.io/instance=${s.release}`, 'k8s:inspect/service=default'] : []),
  ];
  const time = { seconds: String(s.seconds), nanos: s.nanos ?? 0 };
  const flow: Obj = s.dnsQuery
    ? {
        time,
        verdict: 'DROPPED',
        IP: { source: '10.0.0.5', destination: '10.0.0.10', ipVersion: 'IPv4' },
        l4: { UDP: { source_port: 40000, destination_port: 53 } },
        source: { namespace: s.namespace, pod_name: s.pod, labels, identity: 1000 },
        destination: {
          namespace: 'kube-system',
          pod_name: 'coredns-1',
          labels: ['k8s:k8s-app=kube-dns'],
          identity: 1001,
        },
        Type: 'L7',
        l7: { type: 'REQUEST', dns: { query: `${s.dnsQuery}.`, qtypes: ['A'] } },
        traffic_direction: 'EGRESS',
        node_name: s.node ?? 'node-a',
        is_reply: { value: false },
        ...(s.uuid ? { uuid: s.uuid } : {}),
      }
    : {
        time,
        verdict: 'DROPPED',
        drop_reason: 133,
        drop_reason_desc: 'POLICY_DENIED',
        IP: { source: '10.0.0.5', destination: s.dstIp ?? '93.184.216.34', ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 40000, destination_port: s.dstPort ?? 443, flags: { SYN: true } } },
        source: { namespace: s.namespace, pod_name: s.pod, labels, identity: 1000 },
        destination: { identity: 2, labels: ['reserved:world'] },
        destination_names: s.names ?? [],
        Type: 'L3_L4',
        event_type: { type: 1, sub_type: 133 },
        traffic_direction: 'EGRESS',
        node_name: s.node ?? 'node-a',
        is_reply: { value: false },
        ...(s.uuid ? { uuid: s.uuid } : {}),
      };
  return { flow, node_name: s.node ?? 'node-a', time };
}
