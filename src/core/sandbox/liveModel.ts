// The Sandboxes view's model: rebuilds view-models from the shared watch caches (coalesced, so a burst of
// events costs one rebuild) and reports which tree nodes changed, so the tree refreshes only those.
// A change is rebuilt once the read that brought it is handled: the events of one read share a rebuild, so a
// flood costs one rebuild per read, and a lone change never waits behind a timer.
// An object change marks only its release (index by release: Secrets, pods, StatefulSets); the next rebuild
// recomputes those releases alone, in place. A full rebuild (everything re-read from the caches) happens only
// when a release appears or goes, on state changes, re-lists, RuntimeClass or FailedCreate event changes.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Emitter, type Event } from '../kube/emitter';
import type { ConnectionState, ObjectsChange } from '../kube/watchHub';
import type { WatchKind } from '../kube/watchKinds';
import { INSTANCE_LABEL } from '../names/labels';

/** Set on every pod of our chart and agent-env (the service name). */
const SERVICE_LABEL = 'inspect/service';
import { ReleaseDecoder, type HelmRelease, type SecretLike } from './helmRelease';
import {
  PodVMCache,
  releaseVM,
  sameRelease,
  sameView,
  type ContainerVM,
  type PodVM,
  type ReleaseVM,
} from './viewModels';
import { nodeId, type MessageNode, type NamespaceNode, type TaskNode, type TreeNode } from './nodes';
import { countsText, GroupTally } from './evalDisplay';
import { groupByTask, type TaskGroup } from './taskGroups';
import type { EventLike, PodLike, RuntimeClassLike, StatefulSetLike } from '../kube/objects';
import { namespacedKey, ReleaseIndex, type ReleaseGroup } from './releaseIndex';
import { groupingNamespaces, stateMessages } from './view';

/** What the model needs from the WatchHub. */
export interface HubPort {
  readonly state: ConnectionState;
  readonly onDidChangeState: Event<ConnectionState>;
  readonly onDidChangeObjects: Event<ObjectsChange>;
  list<T extends KubernetesObject = KubernetesObject>(kind: WatchKind): readonly T[];
  isReady(kind: WatchKind): boolean;
  start(): void;
  retry(): void;
  refresh(): void;
}

/** Changed nodes (each refreshes with its children), or undefined when the whole tree must refresh. */
export interface ModelChange {
  nodes: TreeNode[] | undefined;
}

/** Task → Sample → Service (default), or the flat list grouped by namespace. */
export type Grouping = 'tasks' | 'namespaces';
/** Records of sandbox releases the watch does not bring (unlabelled; see releaseRecords.ts). */
export interface RecordsPort {
  want(list: ReadonlyArray<{ namespace: string; release: string; version: string }>): void;
  secrets(): ReadonlyArray<SecretLike & KubernetesObject>;
  readonly onDidChange: Event<void>;
}

export interface SandboxModelOptions {
  hub: HubPort;
  records?: RecordsPort;
  /** The clock that places restarts and pending pods in or out of a task row's warning window. */
  now?: () => number;
}

/** One release's inputs: objects with their resourceVersions (a missing one never compares equal). */
interface ReleaseInputs {
  objects: object[];
  versions: Array<string | undefined>;
}

interface ReleaseEntry {
  inputs: ReleaseInputs;
  vm: ReleaseVM | undefined;
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpRelease = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number =>
  cmpStr(a.namespace, b.namespace) || cmpStr(a.name, b.name);

const rvOf = (o: object): string | undefined => (o as KubernetesObject).metadata?.resourceVersion;

function sameInputs(a: ReleaseInputs, b: ReleaseInputs): boolean {
  if (a.objects.length !== b.objects.length) return false;
  for (let i = 0; i < a.objects.length; i++) {
    if (a.objects[i] !== b.objects[i] || a.versions[i] === undefined || a.versions[i] !== b.versions[i]) return false;
  }
  return true;
}

export class SandboxModel {
  private releasesValue: ReleaseVM[] = [];
  private messagesValue: MessageNode[] = [];
  private groups: string[] | undefined;
  private loading = true;
  private byId = new Map<string, ReleaseVM | PodVM | ContainerVM>();
  private readonly nodes = new Map<string, TreeNode>();
  /** What each task row shows (its counts and worst state), by node id. */
  private taskFingerprints = new Map<string, string>();
  private rootKey = '';
  /** A rebuild is queued for the end of the current read. */
  private queued = false;
  private disposed = false;
  private readonly decoder = new ReleaseDecoder();
  private readonly podVMs = new PodVMCache();
  private entries = new Map<string, ReleaseEntry>();
  private readonly index = new ReleaseIndex();
  private fullPending = true;
  private runtimeKey: string | undefined;
  /** The RuntimeClass names of the last full rebuild (any change to them makes the next rebuild a full one). */
  private runtimeClassNames: Set<string> | undefined;
  private groupingValue: Grouping = 'tasks';
  private tasks = new Map<string, TaskGroup>();
  private taskOrder: TaskNode[] = [];
  /** Release node id → its task group and place in it. */
  private taskOf = new Map<string, { group: TaskGroup; at: number }>();
  /** Task node id → its counts, kept per change of one sample. */
  private tallies = new Map<string, GroupTally>();
  /** Task node id → its samples' names: a change of members refreshes the task row (its children). */
  private taskMembers = new Map<string, string>();
  /** Releases whose records come from opts.records (not the watch). */
  private unlabelled = new Set<string>();
  private readonly changed = new Emitter<ModelChange>();
  private readonly subs: Array<{ dispose(): void }>;
  private readonly now: () => number;
  /** Fires (coalesced) after the view-models changed. */
  readonly onDidChange: Event<ModelChange> = this.changed.event;

  constructor(private readonly opts: SandboxModelOptions) {
    this.now = opts.now ?? Date.now;
    const full = (): void => {
      this.fullPending = true;
      this.schedule();
    };
    this.subs = [opts.hub.onDidChangeObjects((c) => this.onObjects(c)), opts.hub.onDidChangeState(full)];
    if (opts.records) this.subs.push(opts.records.onDidChange(full));
    this.rebuild(false);
  }

  get state(): ConnectionState {
    return this.opts.hub.state;
  }

  get releases(): readonly ReleaseVM[] {
    return this.releasesValue;
  }

  get grouping(): Grouping {
    return this.groupingValue;
  }

  /** Switch between tasks and the flat list by namespace (the whole tree refreshes). */
  setGrouping(g: Grouping): void {
    if (g === this.groupingValue) return;
    this.groupingValue = g;
    this.rootKey = '';
    // Groups are built by the full path only; the in-place path would keep the old grouping.
    this.fullPending = true;
    this.rebuild(false);
    this.changed.fire({ nodes: undefined });
  }

  /** The releases of a task group (empty when it is gone). */
  taskReleases(node: TaskNode): readonly ReleaseVM[] {
    return this.tasks.get(nodeId(node))?.releases ?? [];
  }

  /** Task groups in display order. */
  get taskGroups(): readonly TaskGroup[] {
    return this.taskOrder.map((n) => this.tasks.get(nodeId(n))!).filter(Boolean);
  }

  /** Start watching (the view became visible). */
  start(): void {
    this.opts.hub.start();
  }

  retry(): void {
    this.opts.hub.retry();
  }

  refresh(): void {
    this.opts.hub.refresh();
  }

  release(namespace: string, name: string): ReleaseVM | undefined {
    return this.byId.get(nodeId({ kind: 'release', namespace, release: name })) as ReleaseVM | undefined;
  }

  /** The view-model behind a node (undefined for namespace/message nodes or nodes that are gone). */
  lookup(node: TreeNode): ReleaseVM | PodVM | ContainerVM | undefined {
    return this.byId.get(nodeId(node));
  }

  /** Children in tree order; the same node objects across rebuilds, so a tree can refresh single nodes. */
  children(node?: TreeNode): TreeNode[] {
    if (!node) {
      const top: TreeNode[] = [...this.messagesValue];
      // While loading, the releases known so far in one list under the loading item (grouping needs the
      // records' values and the pods); their rows say the pods are still loading.
      if (this.loading) return [...top, ...this.releasesValue.map((r) => r.node)];
      if (this.groupingValue === 'tasks') return [...top, ...this.taskOrder];
      if (this.groups)
        return [
          ...top,
          ...this.groups.map((namespace) => this.intern<NamespaceNode>({ kind: 'namespace', namespace })),
        ];
      return [...top, ...this.releasesValue.map((r) => r.node)];
    }
    switch (node.kind) {
      case 'namespace':
        return this.releasesValue.filter((r) => r.namespace === node.namespace).map((r) => r.node);
      case 'task':
        return this.taskReleases(node).map((r) => r.node);
      case 'release':
        return this.release(node.namespace, node.release)?.pods.map((p) => p.node) ?? [];
      case 'pod': {
        const pod = this.lookup(node) as PodVM | undefined;
        return pod?.containers.map((c) => c.node) ?? [];
      }
      default:
        return [];
    }
  }

  /** The parent node (for reveal): container → pod → release → namespace group (when grouped). */
  parent(node: TreeNode): TreeNode | undefined {
    const find = (n: TreeNode): TreeNode | undefined => this.nodes.get(nodeId(n));
    switch (node.kind) {
      case 'container':
        return find({ kind: 'pod', namespace: node.namespace, release: node.release, pod: node.pod });
      case 'pod':
        return find({ kind: 'release', namespace: node.namespace, release: node.release });
      case 'release':
        if (this.loading) return undefined;
        if (this.groupingValue === 'tasks') return this.taskOf.get(nodeId(node))?.group.node;
        return this.groups ? find({ kind: 'namespace', namespace: node.namespace }) : undefined;
      default:
        return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }

  private onObjects(c: ObjectsChange): void {
    const o = c.object;
    if (!o || c.kind === 'runtimeclasses') this.fullPending = true;
    else if (c.kind === 'events') {
      const e = o as EventLike;
      if (e.type !== 'Warning' || e.reason !== 'FailedCreate') return; // never shown: no rebuild
      this.fullPending = true;
    } else if (!this.fullPending) this.index.track(c.kind, o, c.deleted === true);
    this.schedule();
  }

  private schedule(): void {
    if (this.queued || this.disposed) return;
    this.queued = true;
    // A microtask: after every event of the read being handled (they are emitted synchronously), before the
    // other sockets' reads waiting in this turn of the loop.
    queueMicrotask(() => {
      this.queued = false;
      if (this.disposed) return;
      this.rebuild(true);
    });
  }

  private intern<T extends TreeNode>(n: T): T {
    const id = nodeId(n);
    const known = this.nodes.get(id);
    if (known) return known as T;
    this.nodes.set(id, n);
    return n;
  }

  private snapshotReleases(): HelmRelease[] {
    const secrets = [
      ...this.opts.hub.list<SecretLike & KubernetesObject>('secrets'),
      ...(this.opts.records?.secrets() ?? []),
    ];
    const uids = new Set<string>();
    const out: HelmRelease[] = [];
    for (const s of secrets) {
      if (s.metadata?.uid) uids.add(s.metadata.uid);
      const r = this.decoder.decode(s);
      if (r) out.push(r);
    }
    this.decoder.retain(uids);
    return out;
  }

  /** View-models of every release, rebuilding only those whose inputs changed since the last call. */
  private buildChanged(): ReleaseVM[] {
    const hub = this.opts.hub;
    const runtimeClasses = this.runtimeClasses();
    this.runtimeClassNames = runtimeClasses;
    const podsListed = this.podsListed();
    const runtimeKey = JSON.stringify([runtimeClasses && [...runtimeClasses], podsListed]);
    // Every release depends on the RuntimeClass list (and on whether pods are listed): a change rebuilds all.
    if (runtimeKey !== this.runtimeKey) this.entries.clear();
    this.runtimeKey = runtimeKey;
    this.index.rebuild(this.opts.hub);
    const groups = new Map<
      string,
      { releases: HelmRelease[]; pods: PodLike[]; sets: StatefulSetLike[]; events: EventLike[]; podEvents: EventLike[] }
    >();
    const group = (k: string) =>
      groups.get(k) ?? groups.set(k, { releases: [], pods: [], sets: [], events: [], podEvents: [] }).get(k)!;
    for (const r of this.snapshotReleases()) group(namespacedKey(r.namespace, r.name)).releases.push(r);
    this.wantUnlabelled(groups);
    for (const p of hub.list('pods') as readonly PodLike[]) {
      const rel = p.metadata?.labels?.[INSTANCE_LABEL];
      const k = rel && namespacedKey(p.metadata?.namespace, rel);
      if (k && groups.has(k)) group(k).pods.push(p);
    }
    const stsRelease = new Map<string, string>();
    for (const x of hub.list('statefulsets') as readonly StatefulSetLike[]) {
      const rel = x.metadata?.labels?.[INSTANCE_LABEL];
      if (!rel) continue;
      const k = namespacedKey(x.metadata?.namespace, rel);
      stsRelease.set(namespacedKey(x.metadata?.namespace, x.metadata?.name ?? ''), k);
      if (groups.has(k)) group(k).sets.push(x);
    }
    const podRelease = new Map<string, string>();
    for (const [k, g] of groups)
      for (const p of g.pods) podRelease.set(namespacedKey(p.metadata?.namespace, p.metadata?.name ?? ''), k);
    if (hub.isReady('podevents')) {
      for (const e of hub.list('podevents') as readonly EventLike[]) {
        const k = podRelease.get(
          namespacedKey(e.involvedObject?.namespace ?? e.metadata?.namespace, e.involvedObject?.name ?? ''),
        );
        if (k) group(k).podEvents.push(e);
      }
    }
    if (hub.isReady('events')) {
      for (const e of hub.list('events') as readonly EventLike[]) {
        if (e.type !== 'Warning' || e.reason !== 'FailedCreate') continue;
        const k = stsRelease.get(
          namespacedKey(e.involvedObject?.namespace ?? e.metadata?.namespace, e.involvedObject?.name ?? ''),
        );
        if (k && groups.has(k)) {
          group(k).events.push(e);
          this.index.get(k)?.events.push(e);
        }
      }
    }
    const entries = new Map<string, ReleaseEntry>();
    const out: ReleaseVM[] = [];
    for (const [k, g] of groups) {
      const objects: object[] = [...g.releases, ...g.pods, ...g.sets, ...g.events, ...g.podEvents];
      // Decoded releases are cached per Secret resourceVersion, so their identity is their version.
      const inputs: ReleaseInputs = {
        objects,
        versions: objects.map((o, i) => (i < g.releases.length ? '' : rvOf(o))),
      };
      const old = this.entries.get(k);
      let entry: ReleaseEntry;
      if (old && sameInputs(old.inputs, inputs)) entry = old;
      else {
        const vm = releaseVM(
          { releases: g.releases, pods: g.pods, statefulSets: g.sets, events: g.events, podEvents: g.podEvents },
          { runtimeClasses, podsListed, cache: this.podVMs },
        );
        entry = { inputs, vm };
      }
      entries.set(k, entry);
      if (entry.vm) out.push(entry.vm);
    }
    this.entries = entries;
    return out.sort(cmpRelease);
  }

  /** One release's inputs from the index, in the order a full rebuild reads them (decoded releases by version). */
  private inputsOf(g: ReleaseGroup): {
    releases: HelmRelease[];
    podEvents: EventLike[];
    objects: object[];
    versions: Array<string | undefined>;
  } {
    const releases: HelmRelease[] = [];
    for (const s of g.secrets.values()) {
      const r = this.decoder.decode(s);
      if (r) releases.push(r);
    }
    const podEvents = this.index.podEventsOf(g);
    const objects: object[] = [...releases, ...g.pods.values(), ...g.sets.values(), ...g.events, ...podEvents];
    return {
      releases,
      podEvents,
      objects,
      versions: objects.map((o, i) => (i < releases.length ? '' : rvOf(o))),
    };
  }

  /**
   * Rebuilds only the marked releases, in place. False when that cannot be done (a release appeared or went,
   * or the view is still loading): the caller rebuilds fully.
   */
  private rebuildDirty(emit: boolean): boolean {
    if (this.loading) return false;
    const runtimeClasses = this.runtimeClassNames;
    const updates: Array<{ at: number; entry: ReleaseEntry; key: string }> = [];
    for (const key of this.index.dirty) {
      // Releases whose records come from opts.records (not the watch) are rebuilt fully, as they are fetched.
      if (this.unlabelled.has(key)) return false;
      const old = this.entries.get(key);
      const g = this.index.get(key);
      const { releases, podEvents, objects, versions } = g
        ? this.inputsOf(g)
        : { releases: [], podEvents: [], objects: [], versions: [] };
      if (!old?.vm) {
        // Pods of another chart: nothing to show. A sandbox pod without a record: the full path asks for it.
        if (
          releases.length === 0 &&
          ![...(g?.pods.values() ?? [])].some((p) => p.metadata?.labels?.[SERVICE_LABEL] !== undefined)
        )
          continue;
        return false; // a release appeared
      }
      const inputs = { objects, versions };
      if (sameInputs(old.inputs, inputs)) continue;
      const vm = releaseVM(
        {
          releases,
          pods: [...(g?.pods.values() ?? [])],
          statefulSets: [...(g?.sets.values() ?? [])],
          events: g?.events ?? [],
          podEvents,
        },
        { runtimeClasses, podsListed: this.podsListed(), cache: this.podVMs },
      );
      if (!vm || vm.namespace !== old.vm.namespace || vm.name !== old.vm.name) return false; // a release went
      // A changed task, sample or chart moves the release to another group or place: the full path regroups.
      if (vm.task !== old.vm.task || vm.sampleUuid !== old.vm.sampleUuid || vm.chart.name !== old.vm.chart.name)
        return false;
      const at = this.position(old.vm);
      if (at < 0) return false;
      updates.push({ at, entry: { inputs, vm }, key });
    }
    this.index.dirty.clear();
    const nodes: TreeNode[] = [];
    const touchedTasks = new Set<TaskGroup>();
    const now = this.now();
    for (const { at, entry, key } of updates) {
      const r = entry.vm as ReleaseVM;
      const oldVm = this.releasesValue[at];
      this.entries.set(key, entry);
      this.releasesValue[at] = r;
      const place = this.taskOf.get(nodeId(oldVm.node));
      if (place) {
        const { group, at } = place;
        group.releases[at] = r;
        const id = nodeId(group.node);
        const tally = this.tallies.get(id);
        if (!tally?.replace(oldVm, r, now)) this.tallies.set(id, new GroupTally(group.releases, now));
        touchedTasks.add(group);
      }
      const live = new Set<string>();
      r.node = this.intern(r.node);
      this.indexNode(r.node, r, live);
      // A pod whose view-model was reused (its object did not change) is indexed already, with its containers.
      for (const p of r.pods) {
        if (oldVm.pods.includes(p)) continue;
        p.node = this.intern(p.node);
        this.indexNode(p.node, p, live);
        for (const c of p.containers) {
          c.node = this.intern(c.node);
          this.indexNode(c.node, c, live);
        }
      }
      for (const p of oldVm.pods) {
        if (r.pods.includes(p)) continue;
        for (const id of [nodeId(p.node), ...p.containers.map((c) => nodeId(c.node))]) {
          if (live.has(id)) continue;
          this.byId.delete(id);
          this.nodes.delete(id);
        }
      }
      nodes.push(...changedRows(oldVm, r));
    }
    // A task row's counts and worst-state icon follow its releases.
    for (const g of touchedTasks) {
      const id = nodeId(g.node);
      const f = taskFingerprint(this.tallies.get(id)!);
      if (this.taskFingerprints.get(id) === f) continue;
      this.taskFingerprints.set(id, f);
      nodes.unshift(g.node);
    }
    if (emit && nodes.length) this.changed.fire({ nodes });
    return true;
  }

  /** Index of a release view-model in the sorted list (binary search), or -1. */
  private position(vm: ReleaseVM): number {
    let lo = 0;
    let hi = this.releasesValue.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpRelease(this.releasesValue[mid], vm) < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.releasesValue[lo] === vm ? lo : -1;
  }

  /** Names of the cluster's RuntimeClasses, or undefined while they cannot be read. */
  private runtimeClasses(): Set<string> | undefined {
    const hub = this.opts.hub;
    if (!hub.isReady('runtimeclasses')) return undefined;
    return new Set((hub.list('runtimeclasses') as readonly RuntimeClassLike[]).map((r) => r.metadata?.name ?? ''));
  }

  private podsListed(): boolean {
    return this.opts.hub.isReady('pods') && this.opts.hub.isReady('statefulsets');
  }

  /** Sandbox pods whose release has no record in the watch: ask for those releases' records only. */
  private wantUnlabelled(known: ReadonlyMap<string, unknown>): void {
    // Until the labelled records are listed, every sandbox pod looks unlabelled: asking then would cost one
    // request per release at every initial load.
    if (!this.opts.records || !this.opts.hub.isReady('secrets')) return;
    const wanted = new Map<string, { namespace: string; release: string; version: string }>();
    for (const p of this.opts.hub.list('pods') as readonly PodLike[]) {
      const labels = p.metadata?.labels;
      const release = labels?.[INSTANCE_LABEL];
      const namespace = p.metadata?.namespace;
      if (!release || !namespace || labels?.[SERVICE_LABEL] === undefined) continue;
      const k = namespacedKey(namespace, release);
      if (known.has(k) && !this.unlabelled.has(k)) continue;
      const w = wanted.get(k) ?? wanted.set(k, { namespace, release, version: '' }).get(k)!;
      w.version += `${p.metadata?.uid}@${rvOf(p)},`;
    }
    this.unlabelled = new Set(wanted.keys());
    this.opts.records.want([...wanted.values()]);
  }

  private rebuild(emit: boolean): void {
    if (!this.fullPending && this.rebuildDirty(emit)) return;
    this.fullPending = false;
    const hub = this.opts.hub;
    const releases = this.buildChanged();
    // Reuse node objects by id (tree identity), and index view-models by node id.
    const live = new Set<string>();
    const previous = this.byId;
    this.byId = new Map();
    for (const r of releases) {
      r.node = this.intern(r.node);
      this.indexNode(r.node, r, live);
      for (const p of r.pods) {
        p.node = this.intern(p.node);
        this.indexNode(p.node, p, live);
        for (const c of p.containers) {
          c.node = this.intern(c.node);
          this.indexNode(c.node, c, live);
        }
      }
    }
    // Same object while a message is unchanged; a new one when its text changes (root refreshes then anyway).
    const messages = stateMessages(hub.state, releases).map((m) => {
      const old = this.nodes.get(nodeId(m));
      if (old && JSON.stringify(old) === JSON.stringify(m)) return old as MessageNode;
      this.nodes.set(nodeId(m), m);
      return m;
    });
    const tasksMode = this.groupingValue === 'tasks';
    const groups = tasksMode ? undefined : groupingNamespaces(releases);
    const now = this.now();
    const tasks = new Map<string, TaskGroup>();
    const taskOf = new Map<string, { group: TaskGroup; at: number }>();
    const tallies = new Map<string, GroupTally>();
    const taskFingerprints = new Map<string, string>();
    const taskMembers = new Map<string, string>();
    if (tasksMode) {
      for (const g of groupByTask(releases)) {
        g.node = this.intern(g.node);
        const id = nodeId(g.node);
        tasks.set(id, g);
        live.add(id);
        g.releases.forEach((r, at) => taskOf.set(nodeId(r.node), { group: g, at }));
        const tally = new GroupTally(g.releases, now);
        tallies.set(id, tally);
        taskFingerprints.set(id, taskFingerprint(tally));
        taskMembers.set(id, g.releases.map((r) => r.name).join(','));
      }
    }
    for (const m of messages) live.add(nodeId(m));
    for (const ns of groups ?? []) live.add(nodeId({ kind: 'namespace', namespace: ns }));
    for (const id of this.nodes.keys()) if (!live.has(id)) this.nodes.delete(id);

    const loading = hub.state.phase === 'loading' || hub.state.phase === 'idle';
    const rootKey = loading
      ? JSON.stringify([messages, releases.map((r) => nodeId(r.node))])
      : tasksMode
        ? JSON.stringify([messages, [...tasks.keys()]])
        : JSON.stringify([messages, groups, groups ? [] : releases.map((r) => nodeId(r.node))]);
    const groupKeys =
      groups
        ?.map((ns) =>
          releases
            .filter((r) => r.namespace === ns)
            .map((r) => r.name)
            .join(','),
        )
        .join('|') ?? '';
    const previousTasks = this.taskFingerprints;
    const fullRefresh = rootKey + groupKeys !== this.rootKey;
    this.releasesValue = releases;
    this.messagesValue = messages;
    this.loading = loading;
    this.groups = groups;
    this.tasks = tasks;
    this.taskOrder = [...tasks.values()].map((g) => g.node);
    this.taskOf = taskOf;
    this.tallies = tallies;
    const previousMembers = this.taskMembers;
    this.taskMembers = taskMembers;
    this.rootKey = rootKey + groupKeys;
    this.taskFingerprints = taskFingerprints;
    if (!emit) return;
    if (fullRefresh) {
      this.changed.fire({ nodes: undefined });
      return;
    }
    // Only the changed nodes and their ancestors: a task whose counts changed, the release, the pod.
    const nodes: TreeNode[] = [];
    for (const id of taskFingerprints.keys())
      if (previousTasks.get(id) !== taskFingerprints.get(id) || previousMembers.get(id) !== taskMembers.get(id))
        nodes.push(tasks.get(id)!.node);
    for (const r of releases) {
      const old = previous.get(nodeId(r.node)) as ReleaseVM | undefined;
      // A new release is shown by its parent's refresh (its task group's membership changed).
      if (old) nodes.push(...changedRows(old, r));
    }
    if (nodes.length) this.changed.fire({ nodes });
  }

  private indexNode(node: TreeNode, vm: ReleaseVM | PodVM | ContainerVM, live: Set<string>): void {
    const id = nodeId(node);
    this.byId.set(id, vm);
    live.add(id);
  }
}

/** The rows to refresh when a release's view-model is replaced: the release (it refreshes its pods too), else
 * its pods that show something new. */
function changedRows(old: ReleaseVM, next: ReleaseVM): TreeNode[] {
  if (old === next) return [];
  if (!sameRelease(old, next)) return [next.node];
  // Same pod names in the same order (sameRelease compares them).
  return next.pods.filter((p, i) => !sameView(old.pods[i], p)).map((p) => p.node);
}

/** What a task row shows: its counts and worst state. */
function taskFingerprint(tally: GroupTally): string {
  const c = tally.counts;
  return `${countsText(c)}|${c.worst}`;
}
