// Release records the watch does not bring: the view watches only records labelled inspectSandbox=true (ours and
// inspect_k8s_sandbox's), so a cluster's other Helm releases (monitoring stacks, 1 MB each) are never downloaded.
// A sandbox installed without that label (plain `helm install` of our chart or agent-env) still shows through its
// pods (app.kubernetes.io/instance + inspect/service): for those releases only, a metadata-only list says which
// record revisions exist, and the payload is fetched only for new or changed ones. Helm updates a record after the
// pods are ready (pending-install → deployed) with no pod change to cue us, so while a record is pending its
// metadata is looked at again with backoff, for a while only (a helm that died leaves its record pending forever).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Emitter, type Event } from '../kube/emitter';
import { PARTIAL_LIST_ACCEPT, requestJson } from '../kube/rawRequest';
import { validateNamespace, validateReleaseName } from '../names/validate';
import { type Clock, systemClock } from './ageRefresh';
import { compactReleaseSecret, type SecretLike } from './helmRelease';

export interface WantedRelease {
  namespace: string;
  release: string;
  /** Changes when the release's pods change: the cue to look at its records again (metadata only). */
  version: string;
}

interface Entry {
  version: string;
  /** uid → resourceVersion of the records held. */
  rvs: Map<string, string>;
  secrets: Array<SecretLike & KubernetesObject>;
}

/**
 * How long a pending record is looked at again, from when we first saw it pending. helm waits for a release at
 * most its --timeout (5 min by default; inspect_k8s_sandbox passes --timeout=600s) and then marks the record
 * failed; a record still pending well after that belongs to a helm process that died, and nothing will change it.
 * 15 min leaves helm's longest usual wait plus margin. A pod change restarts the rechecks.
 */
export const PENDING_RECHECK_MS = 15 * 60_000;

export interface ReleaseRecordsOptions {
  clock?: Clock;
  /** The API request (tests substitute one). */
  request?: typeof requestJson;
}

interface PartialList {
  items?: Array<{ metadata?: { uid?: string; resourceVersion?: string } }>;
}

export class ReleaseRecords {
  private readonly entries = new Map<string, Entry>();
  /** Key → version being fetched; a newer version asked meanwhile waits in `again`. */
  private readonly busy = new Map<string, string>();
  private readonly again = new Map<string, WantedRelease>();
  /** Re-checks of releases whose record is pending (key → timer, and the next delay). */
  private readonly timers = new Map<string, unknown>();
  private readonly delays = new Map<string, number>();
  /** Key → when we first saw the record pending, at which pod version (a new version starts over). */
  private readonly pendingSince = new Map<string, { at: number; version: string }>();
  private readonly clock: Clock;
  private readonly request: typeof requestJson;
  private readonly changed = new Emitter<void>();
  /** Fires when records were fetched or dropped (the model rebuilds). */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly kubeConfig: () => KubeConfig | undefined,
    opts: ReleaseRecordsOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.request = opts.request ?? requestJson;
  }

  /** Record Secrets (compact) of the wanted releases fetched so far. */
  secrets(): Array<SecretLike & KubernetesObject> {
    return [...this.entries.values()].flatMap((e) => e.secrets);
  }

  /** The releases to follow now; others are forgotten. Fetches run in the background. */
  want(list: readonly WantedRelease[]): void {
    const keys = new Set<string>();
    for (const w of list) {
      const key = `${w.namespace}/${w.release}`;
      keys.add(key);
      const cur = this.entries.get(key);
      if (cur?.version === w.version || this.busy.get(key) === w.version) continue;
      void this.fetch(key, w);
    }
    let dropped = false;
    for (const k of [...this.entries.keys()]) {
      if (keys.has(k)) continue;
      this.stopRecheck(k);
      dropped = this.entries.delete(k) || dropped;
    }
    if (dropped) this.changed.fire();
  }

  /** Forget everything (context change). */
  clear(): void {
    for (const k of [...this.timers.keys()]) this.stopRecheck(k);
    this.delays.clear();
    this.pendingSince.clear();
    this.entries.clear();
    this.again.clear();
  }

  dispose(): void {
    this.clear();
    this.changed.dispose();
  }

  /**
   * While the release's record is pending, look again later (250 ms doubling to 30 s), for PENDING_RECHECK_MS from
   * when we first saw it pending; a new pod version starts the backoff and that window over. Else stop.
   */
  private recheck(key: string, w: WantedRelease): void {
    const pending = this.entries.get(key)?.secrets.some((s) => s.metadata?.labels?.status?.startsWith('pending-'));
    this.clearTimer(key);
    if (!pending) {
      this.delays.delete(key);
      this.pendingSince.delete(key);
      return;
    }
    const now = this.clock.now();
    let since = this.pendingSince.get(key);
    if (since?.version !== w.version) {
      since = { at: now, version: w.version };
      this.pendingSince.set(key, since);
      this.delays.delete(key);
    }
    if (now - since.at >= PENDING_RECHECK_MS) return;
    const delay = Math.min((this.delays.get(key) ?? 125) * 2, 30_000);
    this.delays.set(key, delay);
    const t = this.clock.setTimeout(() => {
      this.timers.delete(key);
      if (this.entries.has(key)) void this.fetch(key, w);
    }, delay);
    this.timers.set(key, t);
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(key);
  }

  private stopRecheck(key: string): void {
    this.clearTimer(key);
    this.delays.delete(key);
    this.pendingSince.delete(key);
  }

  private async fetch(key: string, w: WantedRelease): Promise<void> {
    if (this.busy.has(key)) {
      this.again.set(key, w);
      return;
    }
    const kc = this.kubeConfig();
    if (!kc) return;
    this.busy.set(key, w.version);
    try {
      const namespace = validateNamespace(w.namespace);
      const selector = `owner=helm,name=${validateReleaseName(w.release)}`;
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets?labelSelector=${encodeURIComponent(selector)}`;
      const meta = await this.request<PartialList>(kc, { method: 'GET', path, accept: PARTIAL_LIST_ACCEPT });
      const rvs = new Map((meta.items ?? []).map((i) => [i.metadata?.uid ?? '', i.metadata?.resourceVersion ?? '']));
      const cur = this.entries.get(key);
      const same = cur && cur.rvs.size === rvs.size && [...rvs].every(([uid, rv]) => cur.rvs.get(uid) === rv);
      if (same) {
        cur.version = w.version;
        this.recheck(key, w);
        return;
      }
      const full = rvs.size
        ? ((await this.request<{ items?: Array<SecretLike & KubernetesObject> }>(kc, { method: 'GET', path })).items ??
          [])
        : [];
      const secrets = full.map((s) => compactReleaseSecret(s as SecretLike & KubernetesObject));
      this.entries.set(key, {
        version: w.version,
        rvs: new Map(secrets.map((s) => [s.metadata?.uid ?? '', s.metadata?.resourceVersion ?? ''])),
        secrets,
      });
      this.recheck(key, w);
      this.changed.fire();
    } catch {
      // Unreachable or forbidden: the watches report the cluster state; the next pod change tries again.
    } finally {
      this.busy.delete(key);
      const next = this.again.get(key);
      this.again.delete(key);
      if (next) void this.fetch(key, next);
    }
  }
}
