// The host side of one inspector panel, free of VS Code so tests drive it against the simulated cluster:
// owns the drop stream and the model, batches updates to the webview, validates what the webview sends and
// hands the actions that need VS Code UI (edits, dialogs, confirmations) to the panel.
import { DropModel } from '../cilium/model';
import type { ReconnectPolicy } from '../cilium/reconnect';
import { NetworkSource, type NetworkSourcePorts, type NetworkSourceSettings } from '../cilium/networkSource';
import type { StreamStatus } from '../cilium/streamStatus';
import type { ValuesEntry } from '../cilium/suggest';
import type { RiskLevel } from '../timeouts/riskTable';
import {
  parseWebviewMessage,
  type Counters,
  type HostMessage,
  type TimeoutsView,
  type WebviewMessage,
} from '../../protocol/inspector';
import { toFlowRow, toStatusView, toSummaryRow } from './rows';
import { errorMessage } from '../errors';

export interface InspectorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** What needs the editor: each returns a line for the panel's notice, or undefined for none. */
export interface InspectorActions {
  addToValues(entry: ValuesEntry): Promise<string | undefined>;
  exportJsonl(jsonl: string, count: number): Promise<string | undefined>;
  pickValuesFile(): Promise<string | undefined>;
  setRiskLevel(level: RiskLevel, via: 'values' | 'helm'): Promise<string | undefined>;
  forceKill(pod: string): Promise<string | undefined>;
}

export interface InspectorSessionOptions {
  readonly namespace: string;
  readonly release: string;
  readonly context?: string;
  readonly ports: NetworkSourcePorts;
  /** Flow source settings (preferred source, Cilium namespace, relay TLS); default: auto-detected. */
  readonly source?: NetworkSourceSettings;
  readonly loadTimeouts: () => Promise<TimeoutsView>;
  readonly post: (message: HostMessage) => void;
  readonly log: InspectorLog;
  readonly actions: InspectorActions;
  readonly capacity?: number;
  /** How often model changes are sent (ms). */
  readonly batchMs?: number;
  /** Automatic reconnect of lost agent streams (default: DEFAULT_RECONNECT); `false` turns it off. */
  readonly reconnect?: Partial<ReconnectPolicy> | false;
}

/** Rows per message: big snapshots go in chunks so neither side blocks for long on one message. */
export const SNAPSHOT_CHUNK = 500;
/** The webview shows the top destinations; more would only cost time on both sides. */
export const SUMMARY_MAX = 500;

/** A snapshot of the model as a `network/snapshot` with the first chunk and `network/update`s for the rest. */
export function snapshotMessages(
  model: DropModel,
  status: StreamStatus,
  counters: Counters,
  chunk = SNAPSHOT_CHUNK,
): HostMessage[] {
  const rows = model.groups().map(toFlowRow);
  const summary = model.summary().slice(0, SUMMARY_MAX).map(toSummaryRow);
  const out: HostMessage[] = [
    { type: 'network/snapshot', rows: rows.slice(0, chunk), summary, counters, status: toStatusView(status) },
  ];
  for (let i = chunk; i < rows.length; i += chunk)
    out.push({ type: 'network/update', rows: rows.slice(i, i + chunk), removed: [], counters });
  return out;
}

export class InspectorSession {
  readonly model: DropModel;
  private stream: NetworkSource | undefined;
  private status: StreamStatus = { kind: 'starting' };
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();

  constructor(private readonly o: InspectorSessionOptions) {
    this.model = new DropModel({ capacity: o.capacity });
  }

  /** Starts the drop stream and the update timer. */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.flush(), this.o.batchMs ?? 200);
    await this.connect();
  }

  get streamStatus(): StreamStatus {
    return this.status;
  }

  /** Agent reconnects waiting for their timer (0 after dispose). */
  get pendingRetries(): number {
    return this.stream?.pendingRetries ?? 0;
  }

  /** Resolves when the stream reaches a status for which `pred` holds (tests and the panel's waits). */
  whenStatus(pred: (s: StreamStatus) => boolean): Promise<StreamStatus> {
    if (pred(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve) => {
      const l = (s: StreamStatus) => {
        if (!pred(s)) return;
        this.statusListeners.delete(l);
        resolve(s);
      };
      this.statusListeners.add(l);
    });
  }

  private async connect(): Promise<void> {
    this.stream?.stop();
    const stream = new NetworkSource(this.o.ports, {
      namespace: this.o.namespace,
      release: this.o.release,
      settings: this.o.source,
      reconnect: this.o.reconnect,
      onProblem: (text) => this.o.log.warn(`Inspector ${this.o.namespace}/${this.o.release}: ${text}`),
      onScope: (scope) => this.model.setScope(scope),
      onFlow: (flow, raw) => this.model.add(flow, raw),
      onStatus: (s) => {
        if (stream !== this.stream || this.disposed) return;
        this.status = s;
        this.o.log.info(
          `Inspector ${this.o.namespace}/${this.o.release}: drops ${s.kind}${s.message ? `: ${s.message}` : ''}`,
        );
        this.post({ type: 'network/status', status: toStatusView(s) });
        for (const l of [...this.statusListeners]) l(s);
      },
    });
    this.stream = stream;
    await stream.start();
  }

  /** Sends what changed since the last flush; a burst goes in chunks (removals and the summary in the first). */
  flush(): void {
    const changes = this.model.takeChanges();
    if (changes.upserted.length === 0 && changes.removed.length === 0) return;
    const rows = changes.upserted.map(toFlowRow);
    const summary = this.model.summary().slice(0, SUMMARY_MAX).map(toSummaryRow);
    const counters = this.counters();
    this.post({
      type: 'network/update',
      rows: rows.slice(0, SNAPSHOT_CHUNK),
      removed: [...changes.removed],
      summary,
      counters,
    });
    for (let i = SNAPSHOT_CHUNK; i < rows.length; i += SNAPSHOT_CHUNK) {
      this.post({ type: 'network/update', rows: rows.slice(i, i + SNAPSHOT_CHUNK), removed: [], counters });
    }
  }

  private counters(): Counters {
    return {
      total: this.model.size,
      evicted: this.model.evicted,
      capacity: this.model.capacity,
      skipped: this.stream?.skippedLines ?? 0,
    };
  }

  /** Everything the webview needs after it (re)loads. */
  async sendAll(): Promise<void> {
    this.model.takeChanges();
    this.post({
      type: 'init',
      namespace: this.o.namespace,
      release: this.o.release,
      ...(this.o.context ? { context: this.o.context } : {}),
    });
    for (const m of snapshotMessages(this.model, this.status, this.counters())) this.post(m);
    await this.sendTimeouts();
  }

  async sendTimeouts(): Promise<void> {
    try {
      const view = await this.o.loadTimeouts();
      this.model.setAppTimeout(view.pods[0]?.appTimeout.value);
      this.post({ type: 'timeouts', view });
    } catch (err) {
      this.o.log.error(`Inspector: cannot read the timeouts of ${this.o.release}`, err);
      this.notice('error', `Cannot read the timeouts: ${errorMessage(err)}`);
    }
  }

  /** Entry point for everything the webview posts: validated first, unknown or malformed dropped and logged. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.o.log.warn(`Inspector: dropped a malformed message from the webview (${parsed.error})`);
      return;
    }
    try {
      await this.dispatch(parsed.message);
    } catch (err) {
      this.o.log.error(`Inspector: ${parsed.message.type} failed`, err);
      this.notice('error', errorMessage(err));
    }
  }

  private async dispatch(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendAll();
      case 'addToValues': {
        const entry = this.model.suggestions().get(m.suggestionId);
        if (!entry) {
          this.o.log.warn(`Inspector: no suggestion ${m.suggestionId} (rows may have been evicted)`);
          return this.notice('warning', 'That suggestion is no longer in the drop log.');
        }
        return this.report(await this.o.actions.addToValues(entry));
      }
      case 'export':
        return this.report(await this.o.actions.exportJsonl(this.model.exportJsonl(), this.model.size));
      case 'reconnect':
        this.model.clear();
        this.flush();
        return this.connect();
      case 'clear':
        this.model.clear();
        return this.flush();
      case 'refreshTimeouts':
        return this.sendTimeouts();
      case 'pickValuesFile':
        this.report(await this.o.actions.pickValuesFile());
        return this.sendTimeouts();
      case 'setRiskLevel':
        this.report(await this.o.actions.setRiskLevel(m.level, m.via));
        return this.sendTimeouts();
      case 'forceKill':
        this.report(await this.o.actions.forceKill(m.pod));
        return this.sendTimeouts();
    }
  }

  private report(text: string | undefined): void {
    if (text) this.notice('info', text);
  }

  private notice(level: 'info' | 'warning' | 'error', text: string): void {
    this.post({ type: 'notice', level, text: text.slice(0, 8192) });
  }

  private post(m: HostMessage): void {
    if (!this.disposed) this.o.post(m);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.stream?.stop();
    this.statusListeners.clear();
  }
}
