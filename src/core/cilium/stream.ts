// Streams Cilium drops for one release: one `hubble observe --follow` exec per Cilium agent on a node that runs
// a pod of the release. Problems become explaining states, never an endless spinner.
import type { Readable } from 'node:stream';
import { Flow } from './flow';
import { FlowLineSplitter } from './parse';
import { INSTANCE_LABEL, ReleasePod, ReleaseScope, releaseFilter, releasePods } from './release';
import { AgentStatus, StreamStatus, classifyExecEnd, isForbidden, summarizeAgents } from './streamStatus';

export const CILIUM_NAMESPACE = 'kube-system';
export const CILIUM_SELECTOR = 'k8s-app=cilium';
export const CILIUM_CONTAINER = 'cilium-agent';

/** A pod as the API returns it (the fields we read). */
export interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { name: string }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

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
  readonly onFlow: (flow: Flow, raw: string) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  readonly onScope?: (scope: ReleaseScope) => void;
}

/** `hubble observe` for the release's pods on one node. */
export function hubbleCommand(namespace: string, pods: readonly string[]): string[] {
  const cmd = ['hubble', 'observe', '--verdict', 'DROPPED', '--follow', '-o', 'jsonpb', '--namespace', namespace];
  for (const p of pods) cmd.push('--pod', `${namespace}/${p}`);
  return cmd;
}

function isReady(p: PodLike): boolean {
  return p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

const STDERR_KEEP = 4096;

export class DropStream {
  private sessions: ExecSessionLike[] = [];
  private agents = new Map<string, AgentStatus>();
  private current: StreamStatus = { kind: 'starting' };
  private stopped = false;
  private readonly skipped = { count: 0 };

  constructor(
    private readonly ports: DropStreamPorts,
    private readonly opts: DropStreamOptions,
  ) {}

  get status(): StreamStatus {
    return this.current;
  }

  /** Lines of Hubble output that were not flows (kept as a count, not an error). */
  get skippedLines(): number {
    return this.skipped.count;
  }

  async start(): Promise<void> {
    const { namespace, release } = this.opts;
    let pods: ReleasePod[];
    try {
      const list = await this.ports.listPods(namespace, `${INSTANCE_LABEL}=${release}`);
      pods = releasePods(list, namespace, release);
    } catch (err) {
      return this.set({ kind: 'error', message: `Cannot list the pods of ${release} in ${namespace}: ${message(err)}` });
    }
    if (this.stopped) return;
    const scope: ReleaseScope = { namespace, release, pods };
    this.opts.onScope?.(scope);
    const nodes = new Map<string, string[]>();
    for (const p of pods) if (p.node) nodes.set(p.node, [...(nodes.get(p.node) ?? []), p.name]);
    if (nodes.size === 0) {
      return this.set({ kind: 'no-pods', message: `No pod of ${release} is scheduled on a node yet.` });
    }
    let agentPods: PodLike[];
    try {
      agentPods = await this.ports.listPods(CILIUM_NAMESPACE, CILIUM_SELECTOR);
    } catch (err) {
      if (isForbidden(err)) {
        return this.set({
          kind: 'forbidden',
          message: `You may not list pods in ${CILIUM_NAMESPACE}, so the Cilium agents cannot be found (${message(err)}).`,
        });
      }
      return this.set({ kind: 'error', message: `Cannot list the Cilium agents: ${message(err)}` });
    }
    if (this.stopped) return;
    if (agentPods.length === 0) {
      return this.set({
        kind: 'no-cilium',
        message: `No Cilium agent pods (${CILIUM_SELECTOR}) in ${CILIUM_NAMESPACE}: this cluster does not run Cilium, so there are no drop events to show.`,
      });
    }
    const filter = releaseFilter(scope);
    for (const [node, podNames] of [...nodes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const agent = agentPods.find((a) => a.spec?.nodeName === node);
      if (!agent?.metadata?.name) {
        this.agents.set(node, { node, state: 'missing', message: `No Cilium agent runs on node ${node}.` });
      } else if (!isReady(agent)) {
        this.agents.set(node, {
          node,
          pod: agent.metadata.name,
          state: 'not-ready',
          message: `The Cilium agent ${agent.metadata.name} on node ${node} is not ready (${agent.status?.phase ?? 'unknown phase'}).`,
        });
      } else {
        this.follow(node, agent, podNames, filter);
      }
    }
    this.publish();
  }

  private follow(node: string, agent: PodLike, podNames: string[], filter: (f: Flow) => boolean): void {
    const pod = agent.metadata?.name as string;
    const containers = agent.spec?.containers ?? [];
    const container = containers.some((c) => c.name === CILIUM_CONTAINER) ? CILIUM_CONTAINER : (containers[0]?.name ?? CILIUM_CONTAINER);
    const target = { namespace: CILIUM_NAMESPACE, pod, container, command: hubbleCommand(this.opts.namespace, podNames) };
    let session: ExecSessionLike;
    try {
      session = this.ports.exec(target);
    } catch (err) {
      this.agents.set(node, { node, pod, state: 'error', message: message(err) });
      return;
    }
    this.sessions.push(session);
    this.agents.set(node, { node, pod, state: 'streaming' });
    const splitter = new FlowLineSplitter((flow, raw) => {
      if (!this.stopped && filter(flow)) this.opts.onFlow(flow, raw);
    });
    let stderr = '';
    session.stdout.on('data', (chunk: Buffer | string) => splitter.push(chunk));
    session.stderr.on('data', (chunk: Buffer | string) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.toString();
    });
    session.done.then(
      (result) => this.ended(node, pod, splitter, stderr, result),
      (err: unknown) => this.ended(node, pod, splitter, stderr, { exitCode: null, reason: 'Error', message: message(err) }),
    );
  }

  private ended(
    node: string,
    pod: string,
    splitter: FlowLineSplitter,
    stderr: string,
    result: { exitCode: number | null; reason: string; message?: string },
  ): void {
    splitter.end();
    this.skipped.count += splitter.skippedTotal;
    if (this.stopped) return;
    this.agents.set(node, { node, pod, ...classifyExecEnd(node, pod, stderr, result) });
    this.publish();
  }

  private publish(): void {
    this.set(summarizeAgents([...this.agents.values()]));
  }

  private set(status: StreamStatus): void {
    this.current = status;
    this.opts.onStatus?.(status);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.sessions) s.close();
    this.sessions = [];
    this.set({ kind: 'stopped', message: 'Stopped.' });
  }
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
