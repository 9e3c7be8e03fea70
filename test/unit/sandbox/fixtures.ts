// Builders of cluster objects as the API server returns them, for pure model tests.
import { gzipSync } from 'node:zlib';

let uid = 0;

/** A Helm release Secret as it arrives from the API (data.release still base64 on the wire). */
export function releaseSecret(o: {
  name: string;
  namespace?: string;
  revision?: number;
  status?: string;
  chart?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  config?: Record<string, unknown>;
  gzip?: boolean;
}): Record<string, unknown> {
  const ns = o.namespace ?? 'default';
  const rev = o.revision ?? 1;
  const status = o.status ?? 'deployed';
  const rel = {
    name: o.name,
    namespace: ns,
    version: rev,
    info: {
      status,
      first_deployed: '2025-01-01T10:00:00Z',
      last_deployed: '2025-01-01T10:05:00Z',
      description: 'Install complete',
    },
    chart: { metadata: { name: o.chart ?? 'k8s-sandbox', version: '0.1.0', appVersion: '0.1.0' } },
    config: o.config ?? {},
    manifest: '',
  };
  const json = Buffer.from(JSON.stringify(rel));
  const helmLayer = (o.gzip === false ? json : gzipSync(json)).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${o.name}.v${rev}`,
      namespace: ns,
      uid: `uid-${++uid}`,
      resourceVersion: String(uid),
      labels: { owner: 'helm', name: o.name, status, version: String(rev), ...o.labels },
      annotations: o.annotations,
    },
    data: { release: Buffer.from(helmLayer).toString('base64') },
  };
}

export interface PodOpts {
  name: string;
  release: string;
  namespace?: string;
  service?: string;
  ready?: boolean;
  phase?: string;
  qos?: string;
  runtimeClass?: string;
  restarts?: number;
  lastReason?: string;
  lastExit?: number;
  lastFinished?: string;
  waiting?: string;
  created?: string;
  readyAt?: string;
  deleting?: boolean;
  annotations?: Record<string, string>;
}

export function pod(o: PodOpts): Record<string, unknown> {
  const ready = o.ready ?? true;
  const main = {
    name: o.service ?? 'default',
    image: 'python:3.12',
    ready,
    started: true,
    restartCount: o.restarts ?? 0,
    state: o.waiting
      ? { waiting: { reason: o.waiting, message: 'back-off 40s' } }
      : { running: { startedAt: '2025-01-01T10:00:05Z' } },
    lastState: o.lastReason
      ? {
          terminated: {
            reason: o.lastReason,
            exitCode: o.lastExit ?? 137,
            finishedAt: o.lastFinished ?? '2025-01-01T10:07:00Z',
            startedAt: '2025-01-01T10:00:05Z',
          },
        }
      : {},
  };
  const dns = {
    name: 'coredns',
    image: 'coredns/coredns@sha256:abc',
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: '2025-01-01T10:00:04Z' } },
    lastState: {},
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `pod-${o.name}`,
      resourceVersion: '1',
      creationTimestamp: o.created ?? '2025-01-01T10:00:00Z',
      ...(o.deleting ? { deletionTimestamp: '2025-01-01T10:09:00Z' } : {}),
      labels: { 'app.kubernetes.io/instance': o.release, 'inspect/service': o.service ?? 'default' },
      annotations: o.annotations ?? {},
    },
    spec: {
      nodeName: 'node-1',
      runtimeClassName: o.runtimeClass,
      terminationGracePeriodSeconds: 10,
      containers: [
        { name: o.service ?? 'default', image: 'python:3.12' },
        { name: 'coredns', image: 'coredns/coredns@sha256:abc' },
      ],
    },
    status: {
      phase: o.phase ?? 'Running',
      qosClass: o.qos ?? 'Guaranteed',
      podIP: '10.0.0.7',
      startTime: '2025-01-01T10:00:01Z',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T10:00:01Z' },
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? undefined : 'ContainersNotReady',
          lastTransitionTime: o.readyAt ?? '2025-01-01T10:00:03.500Z',
        },
      ],
      containerStatuses: [main, dns],
    },
  };
}

export function statefulSet(o: {
  name: string;
  release: string;
  namespace?: string;
  runtimeClass?: string;
  replicas?: number;
}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `sts-${o.name}`,
      labels: { 'app.kubernetes.io/instance': o.release },
    },
    spec: { replicas: o.replicas ?? 1, template: { spec: { runtimeClassName: o.runtimeClass } } },
    status: { replicas: 0, readyReplicas: 0 },
  };
}
