// Shared set-up for the inspector's tests against the simulated cluster: release pods with the chart's
// default-deny egress policy, a session recording what it posts and every exec it starts.
import assert from 'node:assert/strict';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ExecTarget } from '../../../src/core/cilium/stream';
import { kubePorts, type InspectorPorts } from '../../../src/core/inspector/kubePorts';
import { parseHostMessage, type HostMessage } from '../../../src/protocol/inspector';
import { buildTimeoutsView } from '../../../src/core/inspector/rows';
import {
  InspectorSession,
  type InspectorActions,
  type InspectorSessionOptions,
} from '../../../src/core/inspector/inspectorSession';

export const NS = 'evals';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const noActions: InspectorActions = {
  addToValues: async () => undefined,
  exportJsonl: async () => undefined,
  pickValuesFile: async () => undefined,
  setRiskLevel: async () => undefined,
  forceKill: async () => undefined,
};

export async function makePod(kc: KubeConfig, name: string, release: string, node: string): Promise<void> {
  const api = kc.makeApiClient(CoreV1Api);
  await api.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: {
        name,
        namespace: NS,
        labels: { 'app.kubernetes.io/instance': release, 'inspect/service': name.split('-')[1] },
        annotations: { 'k8s-sandbox.dev/app-timeout-seconds': '90', 'k8s-sandbox.dev/deadline-seconds': '120' },
      },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 5,
        containers: [{ name: 'default', image: 'ubuntu:24.04', command: ['tail', '-f', '/dev/null'] }],
      },
    },
  });
  await waitFor(`${name} running`, async () => (await api.readNamespacedPod({ namespace: NS, name })).status?.podIP);
}

/** The chart's shape: default-deny egress for the release except in-release traffic. */
export async function denyEgress(kc: KubeConfig, release: string): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'cilium.io',
    version: 'v2',
    namespace: NS,
    plural: 'ciliumnetworkpolicies',
    body: {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: `${release}-egress`, namespace: NS },
      spec: {
        endpointSelector: { matchLabels: { 'app.kubernetes.io/instance': release } },
        egress: [{ toEndpoints: [{ matchLabels: { 'app.kubernetes.io/instance': release } }] }],
      },
    },
  });
}

export interface RecordedSession {
  s: InspectorSession;
  messages: HostMessage[];
  /** Every exec the drop stream started, in order. */
  execs: ExecTarget[];
}

/** A session on the exec path whose posts are checked against the protocol and whose execs are recorded. */
export function recordedSession(
  kc: KubeConfig,
  release: string,
  extra: Partial<InspectorSessionOptions> = {},
  base: InspectorPorts = kubePorts(kc),
): RecordedSession {
  const messages: HostMessage[] = [];
  const execs: ExecTarget[] = [];
  const ports: InspectorPorts = {
    ...base,
    exec: (t) => {
      execs.push(t);
      return base.exec(t);
    },
  };
  const s = new InspectorSession({
    namespace: NS,
    release,
    ports,
    post: (m) => {
      const p = parseHostMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(p.ok, p.ok ? '' : `host sent an invalid message: ${p.error}`);
      messages.push(m);
    },
    log: { info: () => {}, warn: () => {}, error: () => {} },
    actions: noActions,
    loadTimeouts: async () => buildTimeoutsView(await ports.releasePods(NS, release), {}),
    batchMs: 50,
    // These tests are about the exec path (relay.sim.test.ts covers the relay and the automatic choice).
    source: { preferred: 'exec' },
    ...extra,
  });
  return { s, messages, execs };
}
