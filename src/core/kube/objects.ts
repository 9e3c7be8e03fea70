// The few fields of cluster objects we read (Sandboxes view, drop stream). Loose on purpose: objects from a list come
// through client-node's serializer (times as Date), objects from a watch are raw JSON (times as strings).

import type { ResourceRequirements } from './qos';

export type Time = string | Date;

export interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: Time;
  deletionTimestamp?: Time;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ContainerStateLike {
  running?: { startedAt?: Time };
  waiting?: { reason?: string; message?: string };
  terminated?: {
    exitCode?: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: Time;
    finishedAt?: Time;
  };
}

export interface ContainerStatusLike {
  name: string;
  image?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

export interface PodLike {
  metadata?: Meta;
  spec?: {
    nodeName?: string;
    runtimeClassName?: string;
    terminationGracePeriodSeconds?: number;
    activeDeadlineSeconds?: number;
    containers?: Array<{ name: string; image?: string; resources?: ResourceRequirements }>;
    initContainers?: Array<{ name: string; image?: string; restartPolicy?: string; resources?: ResourceRequirements }>;
    resources?: ResourceRequirements;
  };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    qosClass?: string;
    podIP?: string;
    hostIP?: string;
    startTime?: Time;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: Time }>;
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
    ephemeralContainerStatuses?: ContainerStatusLike[];
  };
}

export interface StatefulSetLike {
  metadata?: Meta;
  spec?: { replicas?: number; template?: { spec?: { runtimeClassName?: string } } };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface EventLike {
  metadata?: Meta;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  lastTimestamp?: Time;
  eventTime?: Time;
  firstTimestamp?: Time;
}

export interface RuntimeClassLike {
  metadata?: Meta;
  handler?: string;
}

/** Milliseconds since the epoch, or undefined for missing/invalid times. */
export function timeMs(t: Time | undefined | null): number | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}
