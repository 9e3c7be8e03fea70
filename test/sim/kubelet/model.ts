// What the simulated kubelet knows about each pod it runs: container states, restart history, live exec
// processes and log buffers. The API object's status is rendered from this (status.ts), never the other way.
import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject } from '../store';
import { LogBuffer } from './logbuffer';

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        signal?: number;
        reason: string;
        message?: string;
        startedAt?: string;
        finishedAt: string;
        containerID?: string;
      };
    };

/** A live process (or in-process program) started by exec; killed when its container stops. */
export interface ExecHandle {
  kill(signal: NodeJS.Signals): void;
}

export type ContainerKind = 'init' | 'regular' | 'ephemeral';

export interface ContainerRuntime {
  name: string;
  kind: ContainerKind;
  image: string;
  /** A restartable init container (sidecar): it keeps running next to the regular containers. */
  sidecar: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  containerID?: string;
  ready: boolean;
  started: boolean;
  log: LogBuffer;
  previousLog?: LogBuffer;
  execs: Set<ExecHandle>;
  /** Set by the crashLoop fault: crash again after each restart. */
  crashLoop?: { reason: 'OOMKilled' | 'Error'; exitCode: number };
  /** Failed pulls since the last successful start (drives the image pull back-off). */
  pullAttempts?: number;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
  lastProbeTime?: null;
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  hostIP: string;
  podIP?: string;
  startTime: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  sandboxReady: boolean;
  init: ContainerRuntime[];
  containers: ContainerRuntime[];
  ephemeral: ContainerRuntime[];
  neverReady: boolean;
  terminating: boolean;
  /** Extra conditions (DisruptionTarget on eviction). */
  extraConditions: PodCondition[];
  /** type -> status and time of the last change, so lastTransitionTime only moves on a real change. */
  transitions: Map<string, { status: string; time: string }>;
  timers: Set<NodeJS.Timeout>;
  /** Endpoint ID as Cilium numbers endpoints per node. */
  endpointId: number;
  /** A working directory was created (by an exec). */
  hasFiles: boolean;
}

export const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export const newContainerID = (): string => `containerd://${randomBytes(32).toString('hex')}`;

/** `nginx:1.25` -> `docker.io/library/nginx:1.25`, as containerd reports image names. */
export function normalizeImage(image: string): string {
  let ref = image.trim();
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  if (!ref.includes('@') && !lastSegment.includes(':')) ref += ':latest';
  return ref;
}

/** `docker.io/library/nginx@sha256:...` (the digest is derived from the name: no registry here). */
export function imageIdOf(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf('@');
  if (at >= 0) return ref;
  const repo = ref.slice(0, ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref.lastIndexOf(':') : ref.length);
  return `${repo}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

/** Images without a shell or coreutils (gcr.io/distroless/*, except the `:debug` variants that ship busybox). */
export function isDistroless(image: string): boolean {
  return /distroless/i.test(image) && !/:debug(-|$)/.test(image);
}

interface ContainerSpec {
  name: string;
  image?: string;
  restartPolicy?: string;
}

export function containersOf(pod: KubeObject): {
  init: ContainerSpec[];
  regular: ContainerSpec[];
  ephemeral: ContainerSpec[];
} {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const list = (k: string): ContainerSpec[] => (Array.isArray(spec[k]) ? (spec[k] as ContainerSpec[]) : []);
  return { init: list('initContainers'), regular: list('containers'), ephemeral: list('ephemeralContainers') };
}

export function newContainer(spec: ContainerSpec, kind: ContainerKind): ContainerRuntime {
  return {
    name: spec.name,
    kind,
    image: spec.image ?? '',
    sidecar: kind === 'init' && spec.restartPolicy === 'Always',
    restartCount: 0,
    state: { waiting: { reason: kind === 'regular' ? 'ContainerCreating' : 'PodInitializing' } },
    lastState: {},
    ready: false,
    started: false,
    log: new LogBuffer(),
    execs: new Set(),
  };
}

export function findContainer(p: PodRuntime, name: string): ContainerRuntime | undefined {
  return (
    p.containers.find((c) => c.name === name) ??
    p.init.find((c) => c.name === name) ??
    p.ephemeral.find((c) => c.name === name)
  );
}

export const isRunning = (c: ContainerRuntime): boolean => 'running' in c.state;

/**
 * Pod IPs: each node owns /24 blocks of 10.244.0.0/16 (the kind/Cilium cluster-pool layout); a node takes a further
 * block when one fills up. IPs are never reused while the kubelet lives, so every pod's IP is unique.
 */
export class IpAllocator {
  private next = new Map<string, number>();
  constructor(private readonly nodes: string[]) {}

  allocate(node: string): string {
    const i = Math.max(0, this.nodes.indexOf(node));
    const n = this.next.get(node) ?? 0;
    this.next.set(node, n + 1);
    const block = i + Math.floor(n / 253) * this.nodes.length;
    const host = 2 + (n % 253);
    return `10.${244 + Math.floor(block / 256)}.${block % 256}.${host}`;
  }
}

/** Node addresses as a kind cluster has them, unless the Node object says otherwise. */
export function defaultHostIP(nodes: string[], node: string): string {
  return `172.18.0.${2 + Math.max(0, nodes.indexOf(node))}`;
}
