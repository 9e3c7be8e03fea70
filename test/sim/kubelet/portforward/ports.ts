// What listens on a pod's ports in the simulator: pods run no processes, so a port is a real local TCP
// listener bound to the pod (`bind`), or one that every pod matching a rule serves (`provide`: hubble-relay's
// gRPC port). Port-forward connections are tracked per pod and cut when the pod goes away, as the pod's
// network namespace does.
import net from 'node:net';
import type { KubeObject } from '../../store';

export type Dial = () => net.Socket;

const key = (ns: string, pod: string, port: number): string => `${ns}/${pod}/${port}`;
const podKey = (ns: string, pod: string): string => `${ns}/${pod}`;

export const dialLocal =
  (port: number): Dial =>
  () =>
    net.connect({ host: '127.0.0.1', port });

export class PodPorts {
  private readonly bound = new Map<string, Dial>();
  private readonly providers = new Set<{ match: (pod: KubeObject) => boolean; port: number; dial: Dial }>();
  private readonly live = new Map<string, Set<net.Socket>>();

  /** The pod's `port` is served by a local TCP port (or a dialer). Returns the unbind. */
  bind(namespace: string, pod: string, port: number, target: number | Dial): () => void {
    const k = key(namespace, pod, port);
    this.bound.set(k, typeof target === 'number' ? dialLocal(target) : target);
    return () => this.bound.delete(k);
  }

  /** Every pod matching `match` serves `port` by `dial`. */
  provide(match: (pod: KubeObject) => boolean, port: number, dial: Dial): () => void {
    const p = { match, port, dial };
    this.providers.add(p);
    return () => this.providers.delete(p);
  }

  dialer(pod: KubeObject, port: number): Dial | undefined {
    const ns = pod.metadata.namespace ?? '';
    const b = this.bound.get(key(ns, pod.metadata.name, port));
    if (b) return b;
    for (const p of this.providers) if (p.port === port && p.match(pod)) return p.dial;
    return undefined;
  }

  track(namespace: string, pod: string, s: net.Socket): void {
    const k = podKey(namespace, pod);
    let set = this.live.get(k);
    if (!set) this.live.set(k, (set = new Set()));
    set.add(s);
    s.once('close', () => set!.delete(s));
  }

  /** The pod stopped: its connections end abruptly, its bindings go. */
  podGone(namespace: string, pod: string): void {
    for (const s of this.live.get(podKey(namespace, pod)) ?? []) s.destroy();
    this.live.delete(podKey(namespace, pod));
    for (const k of [...this.bound.keys()]) if (k.startsWith(`${namespace}/${pod}/`)) this.bound.delete(k);
  }

  closeAll(): void {
    for (const set of this.live.values()) for (const s of set) s.destroy();
    this.live.clear();
  }
}
