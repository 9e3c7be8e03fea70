// Streams Cilium drops for one release: one `hubble observe --follow` exec per Cilium agent on a node that runs
// a pod of the release. Problems become explaining states, never an endless spinner. A stream that is lost
// (connection dropped, agent restarted) reconnects by itself with capped backoff, resuming with `--since` the
// last flow it saw and dropping replayed flows; after a few attempts the explaining state stays.
import type { Readable } from 'node:stream';
import { Flow } from './flow';
import { FlowLineSplitter } from './parse';
import { ReleasePod, ReleaseScope, releaseFilter, releasePods } from './release';
import { INSTANCE_LABEL } from '../names/labels';
import type { PodLike } from '../kube/objects';
import { DEFAULT_RECONNECT, RecentKeys, ResumePoint, backoffDelay, flowKey, type ReconnectPolicy } from './reconnect';
import { AgentStatus, StreamStatus, classifyExecEnd, isForbidden, summarizeAgents } from './streamStatus';

export const CILIUM_NAMESPACE = 'kube-system';
export const CILIUM_SELECTOR = 'k8s-app=cilium';
export const CILIUM_CONTAINER = 'cilium-agent';

/** The exec layer's session (src/core/exec contract), reduced to what a read-only stream needs. */
export interface ExecSessionLike {
  readonly stdout: Readable;
  readonly stderr: Readable;
  close(): void;
  readonly done: Promise<{ exitCode: number | null; reason: string; message?: string }>;
}

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: string[];
}

/** What the stream needs from the cluster: a pod list and a non-interactive exec. */
export interface DropStreamPorts {
  listPods(namespace: string, labelSelector: string): Promise<PodLike[]>;
  exec(target: ExecTarget): ExecSessionLike;
}

export interface DropStreamOptions {
  readonly namespace: string;
  readonly release: string;
  /** Where the Cilium agents run (default kube-system). */
  readonly ciliumNamespace?: string;
  readonly onFlow: (flow: Flow, raw: string) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  readonly onScope?: (scope: ReleaseScope) => void;
  /** Automatic reconnect of lost agent streams; `false` turns it off. */
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  /** Jitter source (tests pass a fixed one). */
  readonly random?: () => number;
}

/** `hubble observe` for the release's pods on one node; `since` resumes after a lost stream. */
export function hubbleCommand(namespace: string, pods: readonly string[], since?: string): string[] {
  const cmd = ['hubble', 'observe', '--verdict', 'DROPPED', '--follow', '-o', 'jsonpb', '--namespace', namespace];
  if (since) cmd.push('--since', since);
  for (const p of pods) cmd.push('--pod', `${namespace}/${p}`);
  return cmd;
}

function isReady(p: PodLike): boolean {
  return p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

const STDERR_KEEP = 4096;

/** One node's agent stream. */
interface NodeStream {
  readonly node: string;
  pods: string[];
  session?: ExecSessionLike;
  connectedAt: number;
  /** Reconnect attempt under way (0: none since the stream last ran long enough). */
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
  readonly resume: ResumePoint;
}

type AgentPick = { agent: PodLike } | { problem: AgentStatus };

export class DropStream {
  private readonly nodes = new Map<string, NodeStream>();
  private agents = new Map<string, AgentStatus>();
  private current: StreamStatus = { kind: 'starting' };
  private stopped = false;
  private readonly skipped = { count: 0 };
  private readonly seen = new RecentKeys();
  private readonly policy: ReconnectPolicy | undefined;
  private filter: (f: Flow) => boolean = () => false;
  private execs = 0;

  constructor(
    private readonly ports: DropStreamPorts,
    private readonly opts: DropStreamOptions,
  ) {
    this.policy = opts.reconnect === false ? undefined : { ...DEFAULT_RECONNECT, ...opts.reconnect };
  }

  get status(): StreamStatus {
    return this.current;
  }

  /** Lines of Hubble output that were not flows (kept as a count, not an error). */
  get skippedLines(): number {
    return this.skipped.count;
  }

  /** Reconnects waiting for their timer (0 once stopped). */
  get pendingRetries(): number {
    let n = 0;
    for (const s of this.nodes.values()) if (s.timer) n++;
    return n;
  }

  /** How many `hubble observe` execs this stream started (first connects and reconnects). */
  get execCount(): number {
    return this.execs;
  }

  private get ciliumNs(): string {
    return this.opts.ciliumNamespace ?? CILIUM_NAMESPACE;
  }

  async start(): Promise<void> {
    const { namespace, release } = this.opts;
    const ciliumNs = this.ciliumNs;
    let pods: ReleasePod[];
    try {
      pods = await this.releasePods();
    } catch (err) {
      return this.set({
        kind: 'error',
        message: `Cannot list the pods of ${release} in ${namespace}: ${message(err)}`,
      });
    }
    if (this.stopped) return;
    const nodes = podsByNode(pods);
    if (nodes.size === 0) {
      return this.set({ kind: 'no-pods', message: `No pod of ${release} is scheduled on a node yet.` });
    }
    let agentPods: PodLike[];
    try {
      agentPods = await this.ports.listPods(ciliumNs, CILIUM_SELECTOR);
    } catch (err) {
      if (isForbidden(err)) {
        return this.set({
          kind: 'forbidden',
          message: `You may not list pods in ${ciliumNs}, so the Cilium agents cannot be found (${message(err)}).`,
        });
      }
      return this.set({ kind: 'error', message: `Cannot list the Cilium agents: ${message(err)}` });
    }
    if (this.stopped) return;
    if (agentPods.length === 0) {
      return this.set({
        kind: 'no-cilium',
        message: `No Cilium agent pods (${CILIUM_SELECTOR}) in ${ciliumNs}: this cluster does not run Cilium, so there are no drop events to show.`,
      });
    }
    for (const [node, podNames] of [...nodes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const ns: NodeStream = { node, pods: podNames, connectedAt: 0, attempt: 0, resume: new ResumePoint() };
      this.nodes.set(node, ns);
      const pick = pickAgent(node, agentPods);
      if ('problem' in pick) this.agents.set(node, pick.problem);
      else this.follow(ns, pick.agent);
    }
    this.publish();
  }

  /** The release's pods now; the scope (and so the release filter) follows them. */
  private async releasePods(): Promise<ReleasePod[]> {
    const { namespace, release } = this.opts;
    const list = await this.ports.listPods(namespace, `${INSTANCE_LABEL}=${release}`);
    const pods = releasePods(list, namespace, release);
    if (!this.stopped) {
      const scope: ReleaseScope = { namespace, release, pods };
      this.filter = releaseFilter(scope);
      this.opts.onScope?.(scope);
    }
    return pods;
  }

  private follow(ns: NodeStream, agent: PodLike): void {
    const node = ns.node;
    const pod = agent.metadata?.name as string;
    const containers = agent.spec?.containers ?? [];
    const container = containers.some((c) => c.name === CILIUM_CONTAINER)
      ? CILIUM_CONTAINER
      : (containers[0]?.name ?? CILIUM_CONTAINER);
    // After a loss, ask for what happened since the last flow we saw; replays of it are dropped below.
    const since = ns.attempt > 0 ? ns.resume.since : undefined;
    const target = {
      namespace: this.ciliumNs,
      pod,
      container,
      command: hubbleCommand(this.opts.namespace, ns.pods, since),
    };
    let session: ExecSessionLike;
    try {
      session = this.ports.exec(target);
      this.execs++;
    } catch (err) {
      this.lost(ns, { node, pod, state: 'error', message: message(err) });
      return;
    }
    ns.session = session;
    ns.connectedAt = Date.now();
    ns.resume.seed(ns.connectedAt);
    this.agents.set(node, { node, pod, state: 'streaming' });
    const splitter = new FlowLineSplitter((flow, raw) => {
      if (this.stopped || ns.session !== session) return;
      ns.resume.see(flow.time);
      if (this.filter(flow) && this.seen.add(flowKey(flow, raw))) this.opts.onFlow(flow, raw);
    });
    let stderr = '';
    session.stdout.on('data', (chunk: Buffer | string) => splitter.push(chunk));
    session.stderr.on('data', (chunk: Buffer | string) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.toString();
    });
    const ended = (result: { exitCode: number | null; reason: string; message?: string }) => {
      splitter.end();
      this.skipped.count += splitter.skippedTotal;
      if (this.stopped || ns.session !== session) return;
      ns.session = undefined;
      this.lost(ns, { node, pod, ...classifyExecEnd(node, pod, stderr, result) });
    };
    session.done.then(ended, (err: unknown) => ended({ exitCode: null, reason: 'Error', message: message(err) }));
  }

  /**
   * A node's stream ended or could not start. Permanent problems (forbidden, no hubble CLI, Hubble disabled at
   * the first connect) stay as they are; anything else retries after a backoff, up to the policy's attempts.
   */
  private lost(ns: NodeStream, end: AgentStatus): void {
    const p = this.policy;
    const permanent =
      end.state === 'forbidden' ||
      (end.state === 'hubble-disabled' && (ns.attempt === 0 || /no hubble CLI/.test(end.message ?? '')));
    if (!p || permanent) {
      this.agents.set(ns.node, end);
      return this.publish();
    }
    if (ns.connectedAt > 0 && Date.now() - ns.connectedAt >= p.stableMs) ns.attempt = 0;
    ns.connectedAt = 0;
    if (ns.attempt >= p.attempts) {
      this.agents.set(ns.node, {
        ...end,
        message:
          `${end.message ?? ''} Gave up after ${p.attempts} attempts to reconnect: use Reconnect to try again.`.trim(),
      });
      return this.publish();
    }
    ns.attempt++;
    const delay = backoffDelay(ns.attempt, p, this.opts.random);
    this.agents.set(ns.node, {
      node: ns.node,
      ...(end.pod ? { pod: end.pod } : {}),
      state: 'reconnecting',
      attempt: ns.attempt,
      message: `${end.message ?? 'The stream was lost.'} Reconnecting (attempt ${ns.attempt} of ${p.attempts})…`,
    });
    this.publish();
    ns.timer = setTimeout(() => {
      ns.timer = undefined;
      void this.reconnect(ns);
    }, delay);
  }

  /** Finds the node's agent afresh (it may have been replaced) and follows it again. */
  private async reconnect(ns: NodeStream): Promise<void> {
    if (this.stopped) return;
    let agentPods: PodLike[];
    try {
      const pods = await this.releasePods();
      if (this.stopped) return;
      const here = podsByNode(pods).get(ns.node);
      if (!here) {
        // No pod of the release runs there any more: nothing to watch on that node.
        this.nodes.delete(ns.node);
        this.agents.delete(ns.node);
        return this.publish();
      }
      ns.pods = here;
      agentPods = await this.ports.listPods(this.ciliumNs, CILIUM_SELECTOR);
    } catch (err) {
      if (this.stopped) return;
      const state = isForbidden(err) ? 'forbidden' : 'error';
      return this.lost(ns, { node: ns.node, state, message: `Cannot list the pods to reconnect: ${message(err)}` });
    }
    if (this.stopped) return;
    const pick = pickAgent(ns.node, agentPods);
    if ('problem' in pick) return this.lost(ns, pick.problem);
    this.follow(ns, pick.agent);
    this.publish();
  }

  private publish(): void {
    this.set(summarizeAgents([...this.agents.values()]));
  }

  private set(status: StreamStatus): void {
    const streaming = [...this.agents.values()].filter((a) => a.state === 'streaming').length;
    const detail = `Cilium agents in ${this.ciliumNs} (hubble observe via exec): ${streaming} of ${this.agents.size} node${this.agents.size === 1 ? '' : 's'} streaming`;
    this.current = { ...status, source: status.source ?? { kind: 'exec', detail } };
    this.opts.onStatus?.(this.current);
  }

  /** Ends every exec and every pending reconnect. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const ns of this.nodes.values()) {
      if (ns.timer) clearTimeout(ns.timer);
      ns.timer = undefined;
      ns.session?.close();
      ns.session = undefined;
    }
    this.set({ kind: 'stopped', message: 'Stopped.' });
  }
}

function podsByNode(pods: readonly ReleasePod[]): Map<string, string[]> {
  const nodes = new Map<string, string[]>();
  for (const p of pods) if (p.node) nodes.set(p.node, [...(nodes.get(p.node) ?? []), p.name]);
  return nodes;
}

/** The ready, not terminating agent on `node`, or why there is none. */
function pickAgent(node: string, agentPods: readonly PodLike[]): AgentPick {
  const onNode = agentPods.filter((a) => a.spec?.nodeName === node && a.metadata?.name);
  const live = onNode.filter((a) => !a.metadata?.deletionTimestamp);
  const agent = live.find(isReady) ?? live[0] ?? onNode[0];
  if (!agent?.metadata?.name)
    return { problem: { node, state: 'missing', message: `No Cilium agent runs on node ${node}.` } };
  const pod = agent.metadata.name;
  if (agent.metadata.deletionTimestamp)
    return {
      problem: { node, pod, state: 'not-ready', message: `The Cilium agent ${pod} on node ${node} is terminating.` },
    };
  if (!isReady(agent)) {
    return {
      problem: {
        node,
        pod,
        state: 'not-ready',
        message: `The Cilium agent ${pod} on node ${node} is not ready (${agent.status?.phase ?? 'unknown phase'}).`,
      },
    };
  }
  return { agent };
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
