// The simulated kubelet of all simulated nodes: pod lifecycle (lifecycle.ts), exec with real local processes
// (exec/), logs (logs.ts), Hubble flows and the traffic generator (hubble/), and fault injection (faults.ts).
// The API server routes `pods/{name}/exec` and `pods/{name}/attach` upgrades and `pods/{name}/log` GETs here.
import type http from 'node:http';
import { basename } from 'node:path';
import type stream from 'node:stream';
import type { SimResources } from '../resources';
import type { Store } from '../store';
import { containerEnv } from './exec/env';
import { ExecServer } from './exec/handler';
import type { AttachTarget, ExecTarget, LogsTarget as LogTarget, PortForwardTarget } from '../kubeletApi';
import { PortForwardServer } from './portforward/handler';
import { PodPorts } from './portforward/ports';
import { createFaults, type KubeletFaults } from './faults';
import { Hubble } from './hubble';
import { Traffic, type TrafficRequest, type TrafficResult } from './hubble/traffic';
import { Lifecycle, type LifecycleOptions } from './lifecycle';
import { serveLogs } from './logs';
import { defaultHostIP, isDistroless, isRunning, type PodRuntime } from './model';
import { Relay, RELAY_PORT } from './hubble/relay';
import net from 'node:net';

export type { KubeletFaults } from './faults';
export type { TrafficRequest, TrafficResult } from './hubble/traffic';
export type { ExecTarget } from '../kubeletApi';
export type { LogsTarget as LogTarget } from '../kubeletApi';

export interface KubeletOptions extends Partial<LifecycleOptions> {
  store: Store;
  resources: SimResources;
  /** Per-container working directories live under `<workDir>/<ns>/<pod>/<container>`. */
  workDir: string;
  nodes: string[];
  /** TCP SYN retransmits recorded after a denied SYN (default 2) and the simulated gap between them (ms). */
  synRetries?: number;
  synRetryDelayMs?: number;
  /** Flows kept per node (Hubble's default 4095). */
  flowBufferCapacity?: number;
  /** Namespace of the Cilium agents and hubble-relay (default kube-system). */
  ciliumNamespace?: string;
}

export class Kubelet {
  readonly faults: KubeletFaults;
  readonly traffic: { request(req: TrafficRequest): Promise<TrafficResult> };
  private readonly life: Lifecycle;
  private readonly exec: ExecServer;
  private readonly hubble: Hubble;
  readonly portForward: PortForwardServer;
  /** What listens on pods' ports (for port-forward): tests bind real local listeners here. */
  readonly ports = new PodPorts();
  private unsubscribe?: () => void;
  /** hubble-relay's Observer server, served on port 4245 of every relay pod. */
  readonly relay: Relay;
  private relayPort = 0;
  readonly ciliumNamespace: string;
  private readonly store: Store;
  private readonly res: SimResources;

  constructor(opts: KubeletOptions) {
    this.store = opts.store;
    this.res = opts.resources;
    this.ciliumNamespace = opts.ciliumNamespace ?? 'kube-system';
    this.hubble = new Hubble(opts.store, opts.resources, opts.flowBufferCapacity);
    this.life = new Lifecycle(opts.store, opts.resources, opts.nodes, opts.workDir, {
      startDelayMs: opts.startDelayMs ?? 150,
      backoffMs: opts.backoffMs ?? 400,
      graceCapMs: opts.graceCapMs ?? 500,
      deadlineScale: opts.deadlineScale ?? 1,
      crashLoopRunMs: opts.crashLoopRunMs ?? 600,
      runtimeHandlers: opts.runtimeHandlers,
    });
    // A Cilium agent pod whose agent was stopped stays unready.
    this.life.readyOverride = (p) => !(this.isAgent(p) && this.hubble.isAgentDown(p.node));
    this.faults = createFaults(this.life, this.hubble, (p) => this.labels(p), this.ciliumNamespace);
    const traffic = new Traffic({
      store: opts.store,
      res: opts.resources,
      runtime: (ns, name) => this.life.get(ns, name),
      runtimes: () => this.life.all(),
      record: (node, input) => this.hubble.record(node, input),
      nodeLabels: (node) => this.hubble.nodeLabels(node),
      containerLog: (ns, pod, container, line) => {
        const p = this.life.get(ns, pod);
        const c = p && [...p.containers, ...p.init].find((x) => x.name === container);
        if (c && isRunning(c)) c.log.append(line);
      },
      synRetries: opts.synRetries ?? 2,
      retryDelayMs: opts.synRetryDelayMs ?? 100,
    });
    this.traffic = { request: (req) => traffic.request(req) };
    this.relay = new Relay(() => opts.nodes.map((n) => this.hubble.relayNode(n, defaultHostIP(opts.nodes, n))));
    this.ports.provide(
      (pod) => pod.metadata.namespace === this.ciliumNamespace && pod.metadata.labels?.['k8s-app'] === 'hubble-relay',
      RELAY_PORT,
      () => net.connect({ host: '127.0.0.1', port: this.relayPort || 1 }),
    );
    this.portForward = new PortForwardServer({
      getPod: (ns, name) => this.store.get(this.res.pods, ns, name),
      ports: this.ports,
    });
    this.exec = new ExecServer({
      getPod: (ns, name) => this.store.get(this.res.pods, ns, name),
      runtime: (ns, name) => this.life.get(ns, name),
      sessionSpec: (p, c, target) => {
        const pod = this.store.get(this.res.pods, p.namespace, p.name)!;
        const cwd = this.life.containerDir(p, c.name);
        const isHubble = this.isAgent(p) && c.name === 'cilium-agent' && basename(target.command[0]) === 'hubble';
        return {
          command: target.command,
          stdin: target.stdin,
          stdout: target.stdout,
          stderr: target.stderr,
          tty: target.tty,
          cwd,
          env: containerEnv({
            store: this.store,
            resources: this.res,
            pod,
            runtime: p,
            container: c.name,
            home: cwd,
            tty: target.tty,
          }),
          noExecutables: isDistroless(c.image),
          ...(isHubble ? { program: this.hubble.program(p.node, target.command.slice(1)) } : {}),
        };
      },
    });
  }

  private labels(p: PodRuntime): Record<string, string> | undefined {
    return this.store.get(this.res.pods, p.namespace, p.name)?.metadata.labels;
  }

  private isAgent(p: PodRuntime): boolean {
    return p.namespace === this.ciliumNamespace && this.labels(p)?.['k8s-app'] === 'cilium';
  }

  start(): void {
    this.life.start();
    void this.relay.listen().then((port) => (this.relayPort = port));
    this.unsubscribe ??= this.store.subscribe((e) => {
      if (e.type === 'DELETED' && e.resource === this.res.pods)
        this.ports.podGone(e.object.metadata.namespace ?? '', e.object.metadata.name);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.portForward.close();
    this.relay.close();
    this.exec.close();
    this.life.stop();
  }

  handleExec(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: ExecTarget): void {
    this.exec.handle(req, socket, head, target);
  }

  handleAttach(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: AttachTarget): void {
    this.exec.handleAttach(req, socket, head, target);
  }

  handlePortForward(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, target: PortForwardTarget): void {
    this.portForward.handle(req, socket, head, target);
  }

  /** Exec processes (or in-process programs) alive in a pod, or in one of its containers. */
  liveExecs(namespace: string, pod: string, container?: string): number {
    const p = this.life.get(namespace, pod);
    if (!p) return 0;
    return [...p.init, ...p.containers, ...p.ephemeral]
      .filter((c) => !container || c.name === container)
      .reduce((n, c) => n + c.execs.size, 0);
  }

  /** Clients attached to a pod's containers (or to one of them). */
  liveAttaches(namespace: string, pod: string, container?: string): number {
    const p = this.life.get(namespace, pod);
    return p ? this.exec.liveAttaches(p, container) : 0;
  }

  logs(target: LogTarget, res: http.ServerResponse): void {
    serveLogs(
      target,
      res,
      this.store.get(this.res.pods, target.namespace, target.pod),
      this.life.get(target.namespace, target.pod),
    );
  }
}
