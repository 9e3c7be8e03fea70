// Watch streams: newline-delimited JSON events from a resourceVersion, initial events (streaming WatchList with
// the initial-events-end bookmark that Helm 4's watcher needs), bookmarks, 410 Expired, and an end to every
// watch (timeoutSeconds, else kube-apiserver's randomised --min-request-timeout).
import type { ServerResponse } from 'node:http';
import type { Matcher } from '../selectors';
import { apiVersionOf } from '../resources';
import type { KubeObject, ResourceType, Store, StoreEvent } from '../store';

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  /** Single-object watch (fieldSelector metadata.name or a name in the URL) is just another matcher. */
  matches: Matcher[];
  resourceVersion?: string;
  sendInitialEvents: boolean;
  /** Event objects as meta.k8s.io Tables (kubectl get -w); column definitions only in the first event. */
  table?: (o: KubeObject, first: boolean) => unknown;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
}

/** How long watches live and how often they get bookmarks, as kube-apiserver and its watch cache do it. */
export interface WatchTiming {
  /** --min-request-timeout (s): a watch without timeoutSeconds ends after a random time in [min, 2*min]. */
  minRequestTimeoutSeconds: number;
  /** The watch cache's bookmark period (s); one more goes out 2 s before a watch's deadline. */
  bookmarkSeconds: number;
  /** Multiplies the server's own durations (1: real time; 1/600: an hour in 6 s). A client's timeoutSeconds is kept. */
  timeScale: number;
}

export const DEFAULT_WATCH_TIMING: WatchTiming = { minRequestTimeoutSeconds: 1800, bookmarkSeconds: 60, timeScale: 1 };

export class Watches {
  private readonly active = new Set<ServerResponse>();

  constructor(
    private readonly store: Store,
    private readonly timing: WatchTiming = DEFAULT_WATCH_TIMING,
  ) {}

  get count(): number {
    return this.active.size;
  }

  /** Ends every watch stream cleanly (as when an API server restarts), or abruptly (socket reset); returns how many. */
  dropAll(abrupt = false): number {
    const open = [...this.active];
    for (const res of open) {
      if (abrupt) res.socket?.destroy();
      else res.end();
    }
    return open.length;
  }

  serve(res: ServerResponse, w: WatchRequest): void {
    const typeMeta = { apiVersion: apiVersionOf(w.type), kind: w.type.kind };
    const inScope = (o: KubeObject): boolean =>
      (w.namespace === undefined || o.metadata.namespace === w.namespace) && w.matches.every((m) => m(o));
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let first = true;
    const send = (type: string, object: unknown): void => {
      if (res.writableEnded) return;
      const body = w.table && type !== 'ERROR' && type !== 'BOOKMARK' ? w.table(object as KubeObject, first) : object;
      if (body !== object) first = false;
      res.write(JSON.stringify({ type, object: body }) + '\n');
    };
    const expired = (rv: string): void => {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${this.store.oldestResourceVersion})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
    };

    // Objects currently matching, by key: lets a MODIFIED that leaves the selector turn into DELETED.
    const visible = new Set<string>();
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const rvParam = w.resourceVersion ?? '';
    const replay: StoreEvent[] = [];
    if (w.sendInitialEvents || rvParam === '' || rvParam === '0') {
      for (const o of this.store.scan(w.type, w.namespace))
        if (inScope(o)) replay.push({ type: 'ADDED', resource: w.type, object: o, rv: 0 });
    } else {
      const rv = Number(rvParam);
      const since = Number.isFinite(rv) ? this.store.eventsSince(rv) : undefined;
      if (!since) {
        expired(rvParam);
        return;
      }
      for (const o of this.store.scan(w.type, w.namespace)) if (inScope(o)) visible.add(key(o));
      replay.push(...since.filter((e) => e.resource === w.type));
      // Objects that match now may have changed since rv: rebuild visibility from the replayed events.
      for (const e of since) if (e.resource === w.type) visible.delete(key(e.object));
    }

    const deliver = (e: StoreEvent): void => {
      if (e.resource !== w.type) return;
      const o = e.object;
      if (w.namespace !== undefined && o.metadata.namespace !== w.namespace) return;
      const k = key(o);
      const match = w.matches.every((m) => m(o));
      if (e.type === 'DELETED') {
        if (visible.delete(k) || match) send('DELETED', o);
      } else if (match) {
        send(visible.has(k) ? 'MODIFIED' : 'ADDED', o);
        visible.add(k);
      } else if (visible.delete(k)) send('DELETED', o);
    };

    const unsubscribe = this.store.subscribe(deliver);
    this.active.add(res);
    for (const e of replay) {
      if (e.rv === 0) {
        visible.add(key(e.object));
        send('ADDED', e.object);
      } else deliver(e);
    }
    const bookmark = (annotations?: Record<string, string>): void =>
      send('BOOKMARK', {
        ...typeMeta,
        metadata: { resourceVersion: String(this.store.resourceVersion), ...(annotations ? { annotations } : {}) },
      });
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

    // get.go: the client's timeoutSeconds, else a random time in [min, 2*min] so watches do not all end at once.
    const scale = this.timing.timeScale;
    const lifeMs =
      w.timeoutSeconds && w.timeoutSeconds > 0
        ? w.timeoutSeconds * 1000
        : this.timing.minRequestTimeoutSeconds * 1000 * (1 + Math.random()) * scale;
    const timers: NodeJS.Timeout[] = [setTimeout(() => res.end(), lifeMs)];
    if (w.allowBookmarks) {
      timers.push(setInterval(() => bookmark(), this.timing.bookmarkSeconds * 1000 * scale));
      // The cacher's last bookmark right before the deadline: the client resumes from a fresh resourceVersion.
      const pre = lifeMs - 2000 * scale;
      if (pre > 0) timers.push(setTimeout(() => bookmark(), pre));
    }
    res.on('close', () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.active.delete(res);
    });
  }
}
