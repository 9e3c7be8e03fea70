// The Observer gRPC client over an address (a local port-forward), plain or with relay TLS.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { observerService } from './proto';
import type { Timestamp } from './decode';

export interface RelayTls {
  /** Name on the relay's certificate (Cilium's default is `*.hubble-relay.cilium.io`). */
  readonly serverName: string;
  /** PEM files: the CA that signed the relay's certificate, and an optional client certificate and key (mTLS). */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

function pem(file: string | undefined, what: string): Buffer | null {
  if (!file) return null;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`Cannot read the relay TLS ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const DEFAULT_RELAY_SERVER_NAME = 'instance.hubble-relay.cilium.io';

export interface FlowFilter {
  source_pod?: string[];
  destination_pod?: string[];
  verdict?: string[];
  dns_query?: string[];
}

export interface GetFlowsRequest {
  follow?: boolean;
  number?: string;
  whitelist?: FlowFilter[];
  blacklist?: FlowFilter[];
  since?: Timestamp;
}

export interface ServerStatus {
  readonly numFlows: number;
  readonly maxFlows: number;
  readonly seenFlows: number;
  readonly connectedNodes?: number;
  readonly unavailableNodes?: number;
  readonly unavailable: readonly string[];
  readonly version: string;
}

type Obj = Record<string, unknown>;

interface ObserverStub extends grpc.Client {
  GetFlows(req: GetFlowsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<Obj>;
  ServerStatus(
    req: Obj,
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: Obj) => void,
  ): grpc.ClientUnaryCall;
}

/** Drops (and the DNS refusals, which are dropped L7 flows) from or to the given pods: two OR-ed filters. */
export function dropFilters(namespace: string, pods: readonly string[]): FlowFilter[] {
  const names = pods.map((p) => `${namespace}/${p}`);
  return [
    { source_pod: names, verdict: ['DROPPED'] },
    { destination_pod: names, verdict: ['DROPPED'] },
  ];
}

function count(v: unknown): number {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function wrapped(v: unknown): number | undefined {
  return typeof v === 'object' && v !== null && 'value' in v ? count((v as { value: unknown }).value) : undefined;
}

export class RelayClient {
  private readonly stub: ObserverStub;

  constructor(address: string, tls?: RelayTls) {
    const Observer = observerService();
    const creds = tls
      ? grpc.credentials.createSsl(
          pem(tls.caFile, 'CA'),
          pem(tls.keyFile, 'client key'),
          pem(tls.certFile, 'client certificate'),
        )
      : grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = {
      // A forwarded connection that dies should fail the call, not wait for a reconnect that cannot come.
      'grpc.keepalive_time_ms': 20_000,
      'grpc.max_receive_message_length': 16 << 20,
      ...(tls ? { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName } : {}),
    };
    this.stub = new Observer(address, creds, options) as unknown as ObserverStub;
  }

  serverStatus(timeoutMs = 10_000): Promise<ServerStatus> {
    return new Promise((resolve, reject) => {
      this.stub.ServerStatus({}, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err || !res) return reject(err ?? new Error('empty ServerStatus response'));
        resolve({
          numFlows: count(res.num_flows),
          maxFlows: count(res.max_flows),
          seenFlows: count(res.seen_flows),
          connectedNodes: wrapped(res.num_connected_nodes),
          unavailableNodes: wrapped(res.num_unavailable_nodes),
          unavailable: Array.isArray(res.unavailable_nodes)
            ? res.unavailable_nodes.filter((x): x is string => typeof x === 'string')
            : [],
          version: typeof res.version === 'string' ? res.version : '',
        });
      });
    });
  }

  getFlows(req: GetFlowsRequest): grpc.ClientReadableStream<Obj> {
    return this.stub.GetFlows(req);
  }

  close(): void {
    this.stub.close();
  }
}

/** A short, readable form of a gRPC error (code name and details). */
export function grpcErrorText(err: unknown): string {
  const e = err as Partial<grpc.ServiceError> | undefined;
  if (e && typeof e.code === 'number')
    return `${grpc.status[e.code] ?? e.code}: ${e.details || e.message || ''}`.trim();
  return err instanceof Error ? err.message : String(err);
}
