// Streams a release's drops (and refused DNS lookups) from Hubble Relay through a port-forward to a relay pod:
// GetFlows with server-side filters, ServerStatus for the header. A lost stream (relay pod replaced, forward
// closed) reconnects with capped backoff, finds the relay pod afresh and resumes with `since` the last flow seen;
// replayed flows are dropped by key, as on the exec path.
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { Flow } from '../flow';
import { INSTANCE_LABEL } from '../../names/labels';
import { releaseFilter, releasePods, type ReleasePod, type ReleaseScope } from '../release';
import { DEFAULT_RECONNECT, RecentKeys, ResumePoint, backoffDelay, flowKey, type ReconnectPolicy } from '../reconnect';
import type { PodLike } from '../../kube/objects';
import { isForbidden, type FlowSourceInfo, type StreamStatus } from '../streamStatus';
import { RelayClient, dropFilters, grpcErrorText, type RelayTls, type ServerStatus } from './client';
import { decodeResponse, timestampOf } from './decode';
import { LocalForward, type ForwardFn } from './forward';

export const RELAY_SELECTOR = 'k8s-app=hubble-relay';
export const RELAY_PORT = 4245;
const STATUS_EVERY_MS = 15_000;

export interface RelayStreamPorts {
  listPods(namespace: string, labelSelector: string): Promise<PodLike[]>;
  /** Carries a local connection to `port` of the relay pod (a port-forward). */
  forward(namespace: string, pod: string, port: number): ForwardFn;
}

export interface RelayStreamOptions {
  readonly namespace: string;
  readonly release: string;
  /** Where hubble-relay runs. */
  readonly ciliumNamespace: string;
  readonly tls?: RelayTls;
  readonly onFlow: (flow: Flow, raw: string) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  readonly onScope?: (scope: ReleaseScope) => void;
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  readonly random?: () => number;
}

function ready(p: PodLike): boolean {
  return (
    !p.metadata?.deletionTimestamp &&
    p.status?.phase === 'Running' &&
    !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** The relay pod's gRPC port: the container port named `grpc`, else Cilium's 4245. */
function grpcPort(p: PodLike): number {
  const spec = p.spec as { containers?: { ports?: { name?: string; containerPort?: number }[] }[] } | undefined;
  for (const c of spec?.containers ?? [])
    for (const port of c.ports ?? []) if (port.name === 'grpc' && port.containerPort) return port.containerPort;
  return RELAY_PORT;
}

export class RelayStream {
  private current: StreamStatus = { kind: 'starting' };
  private stopped = false;
  private filter: (f: Flow) => boolean = () => false;
  private readonly seen = new RecentKeys();
  private readonly resume = new ResumePoint();
  private readonly policy: ReconnectPolicy | undefined;
  private attempt = 0;
  private connectedAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private forwarder: LocalForward | undefined;
  private client: RelayClient | undefined;
  private call: ClientReadableStream<Record<string, unknown>> | undefined;
  private pod = '';
  private server: ServerStatus | undefined;
  private calls = 0;
  private skipped = 0;

  constructor(
    private readonly ports: RelayStreamPorts,
    private readonly opts: RelayStreamOptions,
  ) {
    this.policy = opts.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...opts.reconnect };
  }

  get status(): StreamStatus {
    return this.current;
  }

  /** Relay messages that were not flows (node status, lost events). */
  get skippedLines(): number {
    return this.skipped;
  }

  get pendingRetries(): number {
    return this.timer ? 1 : 0;
  }

  /** GetFlows calls made (first connect and reconnects). */
  get callCount(): number {
    return this.calls;
  }

  /** The relay's last ServerStatus. */
  get serverStatus(): ServerStatus | undefined {
    return this.server;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const { namespace, release, ciliumNamespace } = this.opts;
    let pods: ReleasePod[];
    let relay: PodLike | undefined;
    try {
      pods = releasePods(await this.ports.listPods(namespace, `${INSTANCE_LABEL}=${release}`), namespace, release);
      if (this.stopped) return;
      const scope: ReleaseScope = { namespace, release, pods };
      this.filter = releaseFilter(scope);
      this.opts.onScope?.(scope);
      const relays = await this.ports.listPods(ciliumNamespace, RELAY_SELECTOR);
      relay = relays.find(ready);
    } catch (err) {
      return this.lost(
        isForbidden(err) ? 'forbidden' : 'error',
        `Cannot list pods to find Hubble Relay: ${message(err)}`,
      );
    }
    if (this.stopped) return;
    if (pods.length === 0)
      return this.set({ kind: 'no-pods', message: `No pod of ${release} runs yet.`, source: this.source() });
    if (!relay?.metadata?.name)
      return this.lost('error', `No ready hubble-relay pod (${RELAY_SELECTOR}) in ${ciliumNamespace}.`);
    this.pod = relay.metadata.name;
    this.close();
    try {
      this.forwarder = await LocalForward.open(this.ports.forward(ciliumNamespace, this.pod, grpcPort(relay)));
    } catch (err) {
      return this.lost('error', `Cannot open a local port for the port-forward: ${message(err)}`);
    }
    if (this.stopped) return this.close();
    let client: RelayClient;
    try {
      client = new RelayClient(this.forwarder.address, this.opts.tls);
    } catch (err) {
      this.close();
      return this.set({ kind: 'error', message: message(err), source: this.source() });
    }
    this.client = client;
    try {
      this.server = await client.serverStatus();
    } catch (err) {
      if (this.client !== client) return;
      const why = this.forwarder?.error ?? grpcErrorText(err);
      return this.lost(
        isForbidden(new Error(why)) ? 'forbidden' : 'error',
        `Hubble Relay ${ciliumNamespace}/${this.pod} did not answer ServerStatus: ${why}`,
      );
    }
    if (this.stopped || this.client !== client) return;
    this.follow(
      client,
      pods.map((p) => p.name),
    );
  }

  private follow(client: RelayClient, pods: string[]): void {
    // Resume from the last flow seen; a first connect from its own start (less a clock-skew margin), so flows
    // recorded while the port-forward and the call were being set up are not lost. Replays are dropped by key.
    this.connectedAt = Date.now();
    this.resume.seed(this.connectedAt);
    const since = this.resume.since;
    const sinceTs = since ? timestampOf(since) : undefined;
    const call = client.getFlows({
      follow: true,
      whitelist: dropFilters(this.opts.namespace, pods),
      ...(sinceTs ? { since: sinceTs } : {}),
    });
    this.calls++;
    this.call = call;
    this.publishStreaming();
    this.statusTimer = setInterval(() => void this.refreshStatus(client), STATUS_EVERY_MS);
    call.on('data', (resp: Record<string, unknown>) => {
      if (this.call !== call || this.stopped) return;
      const d = decodeResponse(resp);
      if (!d) return void this.skipped++;
      this.resume.see(d.flow.time);
      if (!this.filter(d.flow)) return;
      const raw = JSON.stringify(d.json);
      if (this.seen.add(flowKey(d.flow, raw))) this.opts.onFlow(d.flow, raw);
    });
    const ended = (err?: unknown) => {
      if (this.call !== call || this.stopped) return;
      this.call = undefined;
      const why = this.forwarder?.error ?? (err ? grpcErrorText(err) : 'the relay ended the stream');
      this.lost(
        isForbidden(new Error(why)) ? 'forbidden' : 'ended',
        `The Hubble Relay stream from ${this.opts.ciliumNamespace}/${this.pod} was lost (${why}).`,
      );
    };
    call.on('error', ended);
    call.on('end', () => ended());
  }

  private async refreshStatus(client: RelayClient): Promise<void> {
    try {
      const s = await client.serverStatus();
      if (this.client !== client || this.stopped || !this.call) return;
      this.server = s;
      this.publishStreaming();
    } catch {
      // The stream's own error reports the loss.
    }
  }

  private publishStreaming(): void {
    this.set({
      kind: 'streaming',
      message: `Watching drops and refused DNS lookups of ${this.opts.release} through Hubble Relay.`,
      source: this.source(),
    });
  }

  /** The header line: relay pod, nodes connected/unavailable, flows seen, version. */
  private source(): FlowSourceInfo {
    const where = `Hubble Relay ${this.opts.ciliumNamespace}/${this.pod || 'hubble-relay'}`;
    const s = this.server;
    if (!s) return { kind: 'relay', detail: where };
    const nodes =
      s.connectedNodes !== undefined
        ? `${s.connectedNodes} node${s.connectedNodes === 1 ? '' : 's'} connected`
        : 'nodes unknown';
    const gone = s.unavailableNodes
      ? `, ${s.unavailableNodes} unavailable${s.unavailable.length ? ` (${s.unavailable.slice(0, 5).join(', ')})` : ''}`
      : ', 0 unavailable';
    return {
      kind: 'relay',
      detail: `${where}${s.version ? ` ${s.version}` : ''}: ${nodes}${gone}, ${s.seenFlows} flows seen`,
    };
  }

  private lost(kind: 'forbidden' | 'error' | 'ended', text: string): void {
    this.close();
    const p = this.policy;
    if (!p || kind === 'forbidden') return this.set({ kind, message: text, source: this.source() });
    if (this.connectedAt > 0 && Date.now() - this.connectedAt >= p.stableMs) this.attempt = 0;
    this.connectedAt = 0;
    if (this.attempt >= p.attempts) {
      return this.set({
        kind,
        message: `${text} Gave up after ${p.attempts} attempts to reconnect: use Reconnect to try again.`,
        source: this.source(),
      });
    }
    this.attempt++;
    this.set({
      kind: 'reconnecting',
      message: `${text} Reconnecting (attempt ${this.attempt} of ${p.attempts})…`,
      source: this.source(),
    });
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (!this.stopped) void this.connect();
      },
      backoffDelay(this.attempt, p, this.opts.random),
    );
  }

  private close(): void {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = undefined;
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.client?.close();
    this.client = undefined;
    this.forwarder?.close();
    this.forwarder = undefined;
  }

  private set(status: StreamStatus): void {
    this.current = status;
    this.opts.onStatus?.(status);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.close();
    this.set({ kind: 'stopped', message: 'Stopped.', source: this.source() });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
