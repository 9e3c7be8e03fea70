// The one owner of the Sandboxes view's watches: one shared informer cache per kind and scope, started lazily,
// restarted with capped backoff after errors (client-node 1.x informers stop on any error), cluster-wide when
// RBAC allows, else the selected namespace. No polling. Like client-go's reflector: watches ask for bookmarks,
// so a watch the server ends (every few tens of minutes) resumes from a fresh resourceVersion even for a quiet
// kind, and only a 410 (history compacted past it) re-lists (ListWatch does both itself).
import { createHash } from 'node:crypto';
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { Emitter, type Event } from './emitter';
import { classifyApiError, CredentialError, type ApiFailure, type KubeconfigError } from './errors';
import { listAllPages, previewForm } from './pagedList';
import type { ListQuery, WatchKind, WatchSpec } from './watchKinds';

/** What the hub needs from ClusterAccess (a port, so tests can hand in their own). */
export interface AccessPort {
  readonly current:
    | {
        kubeConfig: KubeConfig;
        context: string;
        namespace: string;
        server: string;
        user: string;
        paths: readonly string[];
      }
    | undefined;
  readonly error: KubeconfigError | undefined;
  readonly onDidChange: Event<unknown>;
  reload(): void;
}

/** A cache change: one object (`deleted` when it left the cache), or, without `object`, the whole kind. */
export interface ObjectsChange {
  kind: WatchKind;
  object?: KubernetesObject;
  deleted?: boolean;
}

export type ConnectionPhase = 'idle' | 'noConfig' | 'loading' | 'ready' | 'unreachable' | 'forbidden' | 'unauthorized';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** The server's or network's message for error phases; the kubeconfig problem for noConfig. */
  message?: string;
  /** Why the kubeconfig is unusable (noConfig). */
  configReason?: KubeconfigError['reason'];
  context?: string;
  namespace?: string;
  /** Set when only one namespace is watched because listing across namespaces was forbidden. */
  fallback?: { namespace: string; message: string };
  /** Kinds that could not be watched (they only add detail). */
  unavailable?: WatchKind[];
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WatchHubOptions {
  access: AccessPort;
  /** What to watch (the Sandboxes view's: core/sandbox/watchSpecs.ts). */
  specs: readonly WatchSpec[];
  backoff?: BackoffPolicy;
  random?: () => number;
  timers?: Timers;
  /** After this long without a first answer, loading is reported as unreachable (still waiting). */
  answerTimeoutMs?: number;
  /** Diagnostics (never given tokens: messages come from Status bodies and network errors). */
  log?: (message: string) => void;
}

type SlotStatus = 'loading' | 'ready' | 'error' | 'unavailable';

interface Slot {
  spec: WatchSpec;
  namespace: string | undefined;
  informer: ListWatch<KubernetesObject>;
  status: SlotStatus;
  failure?: ApiFailure;
  attempt: number;
  timer?: unknown;
  alive: boolean;
  /** A start() is running (list or watch being opened): do not start it twice. */
  inFlight: boolean;
  /** A restart was asked for while one was in flight: run it when that one ends. */
  again?: boolean;
  /** The spec's preview objects, shown until the first full list is in. */
  preview?: KubernetesObject[];
}

class StoppedError extends Error {}

/** A watch that ends sooner than this without delivering anything counts as a flap. */
const FLAP_MS = 1000;

const nodeTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class WatchHub {
  private slots = new Map<WatchKind, Slot>();
  private started = false;
  private fallback: { namespace: string; message: string } | undefined;
  private accessKey = '';
  private lastState = '';
  private slow = false;
  private slowTimer: unknown;
  private stateValue: ConnectionState = { phase: 'idle' };
  private previewed: Promise<void> = Promise.resolve();
  private openLists: () => void = () => undefined;
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly objectsEmitter = new Emitter<ObjectsChange>();
  private readonly accessSub: { dispose(): void };
  private readonly timers: Timers;
  private readonly specs: readonly WatchSpec[];

  /** Fires when the aggregated connection state changes. */
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  /** Fires for every cache change: one object added/updated/deleted, or a whole kind (re-list, restart). */
  readonly onDidChangeObjects: Event<ObjectsChange> = this.objectsEmitter.event;

  constructor(private readonly opts: WatchHubOptions) {
    this.timers = opts.timers ?? nodeTimers;
    this.specs = opts.specs;
    this.accessSub = opts.access.onDidChange(() => this.onAccessChange());
    this.stateValue = this.computeState();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Start watching (when the view becomes visible). Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.rebuild();
  }

  /** Objects of a kind in the shared cache (all watched namespaces). */
  list<T extends KubernetesObject = KubernetesObject>(kind: WatchKind): readonly T[] {
    const slot = this.slots.get(kind);
    return (slot?.preview ?? slot?.informer.list() ?? []) as readonly T[];
  }

  /** Whether a kind's cache is listed and current (an optional kind may be forbidden or still loading). */
  isReady(kind: WatchKind): boolean {
    return this.slots.get(kind)?.status === 'ready';
  }

  /** Retry now: re-read an unusable kubeconfig, or restart failed watches without waiting for the backoff. */
  retry(): void {
    if (!this.opts.access.current) {
      this.opts.access.reload();
      return;
    }
    if (!this.started) return this.start();
    for (const slot of this.slots.values()) {
      if (slot.status !== 'error' && slot.status !== 'unavailable') continue;
      this.clearTimer(slot);
      slot.attempt = 0;
      this.startSlot(slot);
    }
  }

  /** Drop every cache and list again (the Refresh command). */
  refresh(): void {
    if (this.started) this.rebuild();
  }

  dispose(): void {
    this.started = false;
    this.accessSub.dispose();
    this.stopAll();
    this.stateEmitter.dispose();
    this.objectsEmitter.dispose();
  }

  private onAccessChange(): void {
    const key = this.keyOf();
    const namespaceMatters =
      this.fallback !== undefined && this.fallback.namespace !== this.opts.access.current?.namespace;
    if (key === this.accessKey && !namespaceMatters) {
      this.updateState(); // context/namespace labels only
      return;
    }
    if (this.started) this.rebuild();
    else this.updateState();
  }

  /** Identity of what we connect to and as whom (hashed: it covers credentials but is never shown). */
  private keyOf(): string {
    const cur = this.opts.access.current;
    if (!cur) return '';
    const kc = cur.kubeConfig;
    const material = JSON.stringify([
      cur.context,
      cur.server,
      cur.user,
      cur.paths,
      kc.getCurrentCluster(),
      kc.getCurrentUser(),
    ]);
    return createHash('sha256').update(material).digest('hex');
  }

  private rebuild(): void {
    this.stopAll();
    this.fallback = undefined;
    this.accessKey = this.keyOf();
    // Other lists wait for the previews: on a big cluster their pages would hold up the first rows.
    let open!: () => void;
    this.previewed = new Promise<void>((r) => (open = r));
    this.openLists = open;
    if (!this.specs.some((s) => s.preview)) open();
    const cur = this.opts.access.current;
    if (cur) for (const spec of this.specs) this.addSlot(spec, cur.kubeConfig, undefined);
    this.armAnswerTimer();
    this.objectsEmitter.fire({ kind: 'pods' });
    this.updateState();
  }

  private addSlot(spec: WatchSpec, kc: KubeConfig, namespace: string | undefined): void {
    const slot: Slot = { spec, namespace, status: 'loading', attempt: 0, alive: true, inFlight: false } as Slot;
    slot.informer = this.makeInformer(slot, kc);
    const changed =
      (deleted: boolean) =>
      (object: KubernetesObject): void => {
        if (slot.alive) this.objectsEmitter.fire({ kind: spec.kind, object, deleted });
      };
    slot.informer.on('add', changed(false));
    slot.informer.on('update', changed(false));
    slot.informer.on('delete', changed(true));
    slot.informer.on('error', (err: unknown) => this.onSlotError(slot, err));
    this.slots.set(spec.kind, slot);
    this.startSlot(slot);
  }

  private makeInformer(slot: Slot, kc: KubeConfig): ListWatch<KubernetesObject> {
    const { spec, namespace } = slot;
    const opened = (): void => {
      // After the list's items are in the cache (ListWatch adds them once our promise resolves).
      setImmediate(() => this.onSlotOpen(slot));
    };
    // Exec plugins and OIDC run inside client-node before each request; their failure is a sign-in problem,
    // not an unreachable cluster, so resolve credentials first and say so.
    const credentials = async (): Promise<void> => {
      try {
        await kc.applyToFetchOptions({});
      } catch (e) {
        throw new CredentialError(kc.getCurrentUser()?.name ?? '', e);
      }
    };
    const listFn = async () => {
      await credentials();
      const query = { namespace, labelSelector: spec.labelSelector, fieldSelector: spec.fieldSelector };
      if (spec.preview) {
        // The small metadata list first: the full one would hold up its response (and the CPU, decoding).
        if (!slot.preview && slot.status !== 'ready' && !slot.informer.list().length)
          await this.preview(slot, kc, query);
        this.openLists();
      } else await this.previewed;
      const list = await listAllPages(spec, kc, query);
      if (!slot.alive) throw new StoppedError('stopped'); // keeps a stopped ListWatch from opening a watch
      opened();
      return list;
    };
    const inner = new Watch(kc);
    // ListWatch re-watches at once after a clean close; a server that keeps closing watches straight away
    // (no events) would make that a hot loop, so such flaps back off like errors do.
    let flaps = 0;
    let lastOpen: { at: number; events: number } | undefined;
    const pause = (ms: number): Promise<void> => new Promise((r) => this.timers.setTimeout(r, ms));
    // ListWatch gives no signal when a re-watch (no re-list) succeeds; this wrapper does, so "ready" comes back.
    const signalling = {
      watch: async (
        path: string,
        query: Record<string, string | number | boolean | undefined>,
        cb: (...a: never[]) => void,
        done: (err: unknown) => void,
      ) => {
        if (lastOpen && lastOpen.events === 0 && Date.now() - lastOpen.at < FLAP_MS) {
          await pause(backoffDelay(flaps++, this.opts.backoff ?? defaultBackoff, this.opts.random));
          if (!slot.alive) return new AbortController();
        } else flaps = 0;
        let failed = false;
        try {
          await credentials();
          const life = { at: Date.now(), events: 0 };
          const counted = (phase: string, obj: KubernetesObject, raw: unknown): void => {
            if (phase !== 'ERROR') life.events++; // a 410 ERROR is no sign of a working watch
            // What enters the cache is compacted as listed objects are (a DELETED object is not kept).
            const kept = spec.compact && (phase === 'ADDED' || phase === 'MODIFIED') ? spec.compact(obj) : obj;
            (cb as (...x: unknown[]) => void)(phase, kept, raw);
          };
          const controller = await inner.watch(
            path,
            { ...query, allowWatchBookmarks: true },
            counted as never,
            (err: unknown) => {
              if (err) failed = true;
              done(err);
            },
          );
          if (!slot.alive) controller.abort(); // stopped while connecting: ListWatch.stop() could not abort it
          if (!failed) lastOpen = life;
          if (!failed && slot.alive) opened();
          return controller;
        } catch (e) {
          // Watch.watch rejects (instead of calling done) when credentials fail: report it the same way.
          done(e);
          return new AbortController();
        }
      },
    };
    return new ListWatch(
      spec.path(namespace),
      signalling as unknown as Watch,
      listFn,
      false,
      spec.labelSelector,
      spec.fieldSelector,
    );
  }

  /** Lists metadata only, before the first full list, and shows it until that list is in (first rows fast). */
  private preview(slot: Slot, kc: KubeConfig, query: ListQuery): Promise<void> {
    return listAllPages(slot.spec, kc, query, previewForm(slot.spec)).then(
      (list) => {
        if (!slot.alive || slot.status === 'ready') return;
        slot.preview = list.items;
        this.objectsEmitter.fire({ kind: slot.spec.kind });
      },
      // Only a head start: the full list reports its own errors.
      (err: unknown) => this.opts.log?.(`preview of ${slot.spec.kind}: ${classifyApiError(err).message}`),
    );
  }

  private startSlot(slot: Slot): void {
    if (slot.inFlight) {
      slot.again = true;
      return;
    }
    slot.inFlight = true;
    const settle = (): void => {
      slot.inFlight = false;
      if (!slot.alive) void slot.informer.stop();
      else if (slot.again && slot.status === 'error') {
        slot.again = false;
        this.startSlot(slot);
      }
      slot.again = false;
    };
    slot.informer.start().then(settle, (err: unknown) => {
      if (slot.spec.preview) this.openLists(); // failed before its preview (credentials): never hold the others
      settle();
      this.onSlotError(slot, err);
    });
  }

  private onSlotOpen(slot: Slot): void {
    if (!slot.alive) return;
    const wasReady = slot.status === 'ready';
    slot.status = 'ready';
    slot.preview = undefined;
    slot.failure = undefined;
    slot.attempt = 0;
    if (!wasReady) {
      this.objectsEmitter.fire({ kind: slot.spec.kind });
      this.updateState();
    }
  }

  private onSlotError(slot: Slot, err: unknown): void {
    if (!slot.alive || err instanceof StoppedError) return;
    const failure = classifyApiError(err);
    this.opts.log?.(
      `watch ${slot.spec.kind}${slot.namespace ? ` in ${slot.namespace}` : ''}: ${failure.kind}: ${failure.message}`,
    );
    const cur = this.opts.access.current;
    if (failure.kind === 'forbidden' && slot.spec.namespaced && slot.namespace === undefined && cur) {
      this.fallBackToNamespace(cur.kubeConfig, cur.namespace, failure);
      return;
    }
    slot.failure = failure;
    if (
      !slot.spec.required &&
      (failure.kind === 'forbidden' || failure.kind === 'badRequest' || failure.kind === 'notFound')
    ) {
      // Optional detail the user may not read, or a server without that field selector: do without it.
      slot.status = 'unavailable';
      this.updateState();
      return;
    }
    slot.status = 'error';
    this.updateState();
    this.clearTimer(slot);
    const delay = backoffDelay(slot.attempt, this.opts.backoff ?? defaultBackoff, this.opts.random);
    slot.attempt++;
    slot.timer = this.timers.setTimeout(() => {
      slot.timer = undefined;
      if (slot.alive) this.startSlot(slot);
    }, delay);
  }

  /** Cluster-wide listing is forbidden: watch the selected namespace instead, for every namespaced kind. */
  private fallBackToNamespace(kc: KubeConfig, namespace: string, failure: ApiFailure): void {
    if (this.fallback) return;
    this.fallback = { namespace, message: failure.message };
    for (const [kind, slot] of [...this.slots]) {
      if (!slot.spec.namespaced) continue;
      this.stopSlot(slot);
      this.slots.delete(kind);
      this.addSlot(slot.spec, kc, namespace);
    }
    this.armAnswerTimer();
    this.objectsEmitter.fire({ kind: 'pods' });
    this.updateState();
  }

  private armAnswerTimer(): void {
    if (this.slowTimer !== undefined) this.timers.clearTimeout(this.slowTimer);
    this.slow = false;
    this.slowTimer = this.timers.setTimeout(() => {
      this.slowTimer = undefined;
      this.slow = true;
      this.updateState();
    }, this.opts.answerTimeoutMs ?? 20_000);
  }

  private stopSlot(slot: Slot): void {
    slot.alive = false;
    this.clearTimer(slot);
    void slot.informer.stop().catch(() => undefined);
  }

  private stopAll(): void {
    this.openLists();
    if (this.slowTimer !== undefined) this.timers.clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    for (const slot of this.slots.values()) this.stopSlot(slot);
    this.slots.clear();
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    slot.timer = undefined;
  }

  private updateState(): void {
    const next = this.computeState();
    const key = JSON.stringify(next);
    this.stateValue = next;
    if (key === this.lastState) return;
    this.lastState = key;
    this.stateEmitter.fire(next);
  }

  private computeState(): ConnectionState {
    const access = this.opts.access;
    const cur = access.current;
    if (!cur)
      return {
        phase: 'noConfig',
        message: access.error?.message ?? 'No kubeconfig loaded.',
        configReason: access.error?.reason ?? 'noContext',
      };
    const base = {
      context: cur.context,
      namespace: cur.namespace,
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
    if (!this.started) return { phase: 'idle', ...base };
    const slots = [...this.slots.values()];
    const unavailable = slots.filter((s) => s.status === 'unavailable').map((s) => s.spec.kind);
    const extra = unavailable.length ? { unavailable } : {};
    const required = slots.filter((s) => s.spec.required);
    const failed = required.filter((s) => s.status === 'error' && s.failure);
    const pick = (kind: ApiFailure['kind']): Slot | undefined => failed.find((s) => s.failure?.kind === kind);
    const unauthorized = pick('unauthorized');
    if (unauthorized) return { phase: 'unauthorized', message: unauthorized.failure?.message, ...base, ...extra };
    const forbidden = pick('forbidden');
    if (forbidden) return { phase: 'forbidden', message: forbidden.failure?.message, ...base, ...extra };
    if (failed.length) return { phase: 'unreachable', message: failed[0].failure?.message, ...base, ...extra };
    if (required.some((s) => s.status === 'loading')) {
      if (this.slow) {
        const secs = Math.round((this.opts.answerTimeoutMs ?? 20_000) / 1000);
        return {
          phase: 'unreachable',
          message: `The server has not answered for ${secs} s (still waiting).`,
          ...base,
          ...extra,
        };
      }
      return { phase: 'loading', ...base, ...extra };
    }
    return { phase: 'ready', ...base, ...extra };
  }
}
