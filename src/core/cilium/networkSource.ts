// One panel's flows: the source chosen by chooseSource (Hubble Relay, exec into the agents, or none) plus the
// CoreDNS sidecar log of our chart's pods; both feed the same model and the status names the source.
import { DnsLogStream, type DnsLogPorts } from './dnsLogStream';
import type { Flow } from './flow';
import type { WhoAmI } from '../kube/identity';
import type { RelayTls } from './relay/client';
import { RelayStream, type RelayStreamPorts } from './relay/stream';
import type { ReconnectPolicy } from './reconnect';
import type { ReleaseScope } from './release';
import { chooseSource, type SourcePorts, type SourcePreference } from './source';
import { DropStream, type DropStreamPorts } from './stream';
import type { StreamStatus } from './streamStatus';

export interface NetworkSourcePorts extends DropStreamPorts, RelayStreamPorts, SourcePorts, DnsLogPorts {}

export interface NetworkSourceSettings {
  readonly preferred: SourcePreference;
  /** Empty: detected. */
  readonly ciliumNamespace?: string;
  readonly tls?: RelayTls;
  /** Who the API server says the caller is: named in the grant commands of the "no access" state. */
  readonly identity?: () => Promise<WhoAmI | undefined>;
}

export interface NetworkSourceOptions {
  readonly namespace: string;
  readonly release: string;
  readonly settings?: NetworkSourceSettings;
  readonly onFlow: (flow: Flow, raw: string) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  readonly onScope?: (scope: ReleaseScope) => void;
  readonly onProblem?: (message: string) => void;
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  readonly random?: () => number;
}

export class NetworkSource {
  private inner: RelayStream | DropStream | undefined;
  private dns: DnsLogStream | undefined;
  private current: StreamStatus = { kind: 'starting' };
  private stopped = false;

  constructor(
    private readonly ports: NetworkSourcePorts,
    private readonly o: NetworkSourceOptions,
  ) {}

  get status(): StreamStatus {
    return this.current;
  }

  get skippedLines(): number {
    return this.inner?.skippedLines ?? 0;
  }

  get pendingRetries(): number {
    return this.inner?.pendingRetries ?? 0;
  }

  /** The running source: 'relay', 'exec', or undefined before the choice or when there is none. */
  get kind(): 'relay' | 'exec' | undefined {
    return this.inner instanceof RelayStream ? 'relay' : this.inner instanceof DropStream ? 'exec' : undefined;
  }

  async start(): Promise<void> {
    const { namespace, release } = this.o;
    const s = this.o.settings ?? { preferred: 'auto' };
    this.dns = new DnsLogStream(this.ports, {
      namespace,
      release,
      onFlow: this.o.onFlow,
      onProblem: this.o.onProblem,
      reconnect: this.o.reconnect,
    });
    const dnsStarted = this.dns
      .start()
      .catch((err: unknown) =>
        this.o.onProblem?.(`Cannot follow the DNS sidecar logs: ${err instanceof Error ? err.message : String(err)}`),
      );
    let choice;
    try {
      choice = await chooseSource(this.ports, {
        preferred: s.preferred,
        ciliumNamespace: s.ciliumNamespace || undefined,
        identity: s.identity,
      });
    } catch (err) {
      this.set({
        kind: 'error',
        message: `Cannot choose a flow source: ${err instanceof Error ? err.message : String(err)}`,
      });
      await dnsStarted;
      return;
    }
    if (this.stopped) return;
    const common = {
      namespace,
      release,
      onFlow: this.o.onFlow,
      onScope: this.o.onScope,
      reconnect: this.o.reconnect,
      random: this.o.random,
      onStatus: (st: StreamStatus) => this.set(st),
    };
    if (choice.kind === 'none') this.set(choice.status);
    else if (choice.kind === 'relay')
      this.inner = new RelayStream(this.ports, { ...common, ciliumNamespace: choice.ciliumNamespace, tls: s.tls });
    else this.inner = new DropStream(this.ports, { ...common, ciliumNamespace: choice.ciliumNamespace });
    await Promise.all([this.inner?.start(), dnsStarted]);
  }

  private set(status: StreamStatus): void {
    if (this.stopped && status.kind !== 'stopped') return;
    this.current = status;
    this.o.onStatus?.(status);
  }

  stop(): void {
    if (this.stopped) return;
    this.inner?.stop();
    this.stopped = true;
    this.dns?.stop();
    if (!this.inner) this.set({ kind: 'stopped', message: 'Stopped.' });
  }
}
