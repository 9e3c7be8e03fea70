// Hubble of the simulated nodes: one flow buffer per node, whether its Cilium agent (and Hubble) is up, and the
// `hubble` program that exec into an agent pod runs.
import type { SimResources } from '../../resources';
import type { Store } from '../../store';
import { buildFlow, FlowBuffer, type FlowInput, nowNs } from './flows';
import { type HubbleNode, hubbleProgram, UNAVAILABLE } from './observe';
import type { Program } from '../exec/session';
import type { RelayNode } from './relay';

export class Hubble {
  private readonly buffers = new Map<string, FlowBuffer>();
  private readonly down = new Set<string>();
  private readonly downListeners = new Map<string, Set<() => void>>();
  private enabled = true;

  constructor(
    private readonly store: Store,
    private readonly res: SimResources,
    private readonly capacity = 4095,
  ) {}

  buffer(node: string): FlowBuffer {
    let b = this.buffers.get(node);
    if (!b) this.buffers.set(node, (b = new FlowBuffer(this.capacity)));
    return b;
  }

  record(node: string, input: FlowInput): void {
    const ns = nowNs();
    this.buffer(node).add(buildFlow(input, ns), ns);
  }

  nodeLabels(node: string): string[] {
    const n = this.store.get(this.res.nodes, undefined, node);
    const labels = n?.metadata.labels ?? {
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': node,
      'kubernetes.io/os': 'linux',
    };
    return Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .sort();
  }

  /** Hubble disabled in the Cilium config: every agent answers `hubble` with the connection error. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) for (const node of this.buffers.keys()) this.fireDown(node);
  }

  setAgentDown(node: string, isDown: boolean): void {
    if (isDown) {
      this.down.add(node);
      this.fireDown(node);
    } else this.down.delete(node);
  }

  isAgentDown(node: string): boolean {
    return this.down.has(node);
  }

  private fireDown(node: string): void {
    for (const fn of this.downListeners.get(node) ?? []) fn();
  }

  private view(node: string): HubbleNode {
    return {
      name: node,
      buffer: this.buffer(node),
      unavailable: () => (!this.enabled || this.down.has(node) ? UNAVAILABLE : undefined),
      onDown: (fn) => {
        let set = this.downListeners.get(node);
        if (!set) this.downListeners.set(node, (set = new Set()));
        set.add(fn);
        return () => set!.delete(fn);
      },
    };
  }

  /** The node as hubble-relay sees it (its agent's flow buffer and availability). */
  relayNode(node: string, address: string): RelayNode {
    const v = this.view(node);
    return { name: node, address, buffer: v.buffer, unavailable: v.unavailable };
  }

  program(node: string, args: string[]): Program {
    return hubbleProgram(args, this.view(node));
  }
}
