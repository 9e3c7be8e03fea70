// The inspector's flow sources end to end against the simulated cluster: Cilium in the `cilium` namespace (found
// without configuration), hubble-relay reached through client-node's WebSocket port-forward, exec into the agents
// as the fallback, "no access" naming the permission; DNS refusals of our chart (sidecar log) and of an
// agent-env-shaped release (Cilium's DNS proxy) as rows with the allowDomains edit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { RelayClient, dropFilters } from '../../../src/core/cilium/relay/client';
import { LocalForward } from '../../../src/core/cilium/relay/forward';
import { kubeForward } from '../../../src/core/cilium/relay/kubeForward';
import type { StreamStatus } from '../../../src/core/cilium/streamStatus';
import { InspectorSession } from '../../../src/core/inspector/inspectorSession';
import { kubePorts, type InspectorPorts } from '../../../src/core/inspector/kubePorts';
import { buildTimeoutsView } from '../../../src/core/inspector/rows';
import { parseHostMessage, type HostMessage } from '../../../src/protocol/inspector';
import { startCluster, type SimCluster } from '../../sim/cluster';
import type { TrafficRequest, TrafficResult } from '../../sim/kubelet';
import { helmBinary } from '../../support/tools';
import { noActions, waitFor } from './simKit';

/* eslint-disable @typescript-eslint/no-explicit-any -- API objects are JSON */

const NS = 'sbx';
const AENV = 'k7x2m9qa';

const VALUES = `services:
  default:
    image: nicolaka/netshoot:v0.13
    command: ["tail", "-f", "/dev/null"]
allowDomains: ["pypi.org"]
`;

/** agent-env's sandbox egress policy (agent-env-facts) for allowDomains ["pypi.org"]: DNS rules + toFQDNs. */
function agentEnvEgress(): any {
  const dnsPeers = [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }];
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: `agent-env-${AENV}-sandbox-egress`, namespace: NS },
    spec: {
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-env', 'app.kubernetes.io/instance': AENV } },
      egress: [
        {
          toEndpoints: dnsPeers,
          toPorts: [
            {
              ports: [{ port: '53', protocol: 'ANY' }],
              rules: { dns: [{ matchPattern: `*.${NS}.svc.cluster.local` }, { matchName: 'pypi.org' }] },
            },
          ],
        },
        { toFQDNs: [{ matchName: 'pypi.org' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
      ],
    },
  };
}

describe('inspector flow sources against the simulated cluster (relay, exec fallback, no access, DNS refusals)', function () {
  this.timeout(150_000);
  let c: SimCluster;
  let dir: string;
  let kc: KubeConfig;
  let sandboxPod: string;
  const sessions: InspectorSession[] = [];
  const traffic = (r: TrafficRequest) =>
    (c.kubelet.traffic as { request(r: TrafficRequest): Promise<TrafficResult> }).request(r);

  function session(release: string, config = kc, ports: InspectorPorts = kubePorts(config)) {
    const messages: HostMessage[] = [];
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
      loadTimeouts: async () => buildTimeoutsView([], {}),
      batchMs: 50,
      reconnect: { baseMs: 100, maxMs: 400, attempts: 8 },
    });
    sessions.push(s);
    return { s, messages };
  }
  const isKind =
    (...kinds: StreamStatus['kind'][]) =>
    (st: StreamStatus) =>
      kinds.includes(st.kind);
  const relayPods = async () =>
    (
      await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace: 'cilium', labelSelector: 'k8s-app=hubble-relay' })
    ).items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running');

  before(async () => {
    c = await startCluster({ tls: true, ciliumNamespace: 'cilium', restrictedNamespace: NS });
    dir = mkdtempSync(join(tmpdir(), 'relay-sim-'));
    const kubeconfig = c.writeKubeconfig(join(dir, 'kubeconfig'));
    kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    writeFileSync(join(dir, 'values.yaml'), VALUES);
    const code = await new Promise<number | null>((resolve) => {
      const helm = spawn(
        helmBinary('3.18.0'),
        [
          'install',
          'r1',
          join(__dirname, '..', '..', '..', 'chart'),
          '-n',
          NS,
          '--create-namespace',
          '--wait',
          '--timeout',
          '90s',
          '-f',
          join(dir, 'values.yaml'),
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: dir,
            KUBECONFIG: kubeconfig,
            HELM_CACHE_HOME: join(dir, 'hc'),
            HELM_CONFIG_HOME: join(dir, 'hf'),
            HELM_DATA_HOME: join(dir, 'hd'),
          },
        },
      );
      helm.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      helm.on('close', resolve);
    });
    assert.equal(code, 0);
    const core = kc.makeApiClient(CoreV1Api);
    sandboxPod = (
      await core.listNamespacedPod({
        namespace: NS,
        labelSelector: 'app.kubernetes.io/instance=r1,inspect/service=default',
      })
    ).items[0].metadata!.name!;
    c.store.create(c.resources.ciliumnetworkpolicies, agentEnvEgress());
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: {
          name: `agent-env-${AENV}-default-0`,
          labels: {
            'app.kubernetes.io/name': 'agent-env',
            'app.kubernetes.io/instance': AENV,
            'inspect/service': 'default',
          },
        },
        spec: { containers: [{ name: 'default', image: 'ubuntu:24.04', command: ['tail', '-f', '/dev/null'] }] },
      },
    });
    await waitFor(
      'agent-env pod running',
      async () => (await core.readNamespacedPod({ namespace: NS, name: `agent-env-${AENV}-default-0` })).status?.podIP,
      30_000,
    );
    await waitFor(
      'relay ready',
      async () =>
        (await relayPods()).some((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')),
      30_000,
    );
  });

  afterEach(() => {
    for (const s of sessions.splice(0)) s.dispose();
  });

  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('our chart through Hubble Relay (Cilium namespace detected): a dropped connection and the sidecar refusal, with ServerStatus in the header', async () => {
    const { s, messages } = session('r1');
    await s.start();
    const st = await s.whenStatus(isKind('streaming', 'error', 'forbidden', 'no-access', 'no-cilium'));
    assert.equal(st.kind, 'streaming', st.message);
    assert.equal(st.source?.kind, 'relay');
    assert.match(
      st.source?.detail ?? '',
      /^Hubble Relay cilium\/hubble-relay-\S+.*: 2 nodes connected, 0 unavailable, \d+ flows seen/,
    );
    const denied = await traffic({
      namespace: NS,
      pod: sandboxPod,
      destination: { domain: 'pypi.org', port: 22, protocol: 'TCP' },
    });
    assert.equal(denied.verdict, 'DROPPED');
    const refused = await traffic({
      namespace: NS,
      pod: sandboxPod,
      destination: { domain: 'api.openai.com', port: 443, protocol: 'TCP' },
    });
    assert.equal(refused.dns?.rcode, 'NXDOMAIN');
    const groups = await waitFor('a drop row and a DNS row', () => {
      const g = s.model.groups();
      return (
        g.some((x) => x.flow.dns?.query === 'api.openai.com') && g.some((x) => x.flow.destination.port === 22) && g
      );
    });
    const dns = groups.find((g) => g.flow.dns)!;
    assert.equal(dns.flow.dns?.via, 'coredns');
    assert.equal(dns.flow.dns?.rcode, 'NXDOMAIN');
    assert.deepEqual(dns.explanation.entry, { key: 'allowDomains', domain: 'api.openai.com' });
    assert.match(dns.explanation.text, /Service default asked/);
    const drop = groups.find((g) => g.flow.destination.port === 22)!;
    assert.deepEqual(drop.explanation.entry, {
      key: 'allowDomainsPorts',
      domain: 'pypi.org',
      port: 22,
      protocol: 'TCP',
    });
    s.flush();
    const rows = messages.flatMap((m) => (m.type === 'network/update' || m.type === 'network/snapshot' ? m.rows : []));
    assert.ok(
      rows.some(
        (r) =>
          r.kind === 'dns-refused' &&
          r.destination === 'api.openai.com' &&
          r.suggestionId === 'allowDomains:api.openai.com',
      ),
    );
    assert.ok(messages.some((m) => m.type === 'network/status' && m.status.source?.kind === 'relay'));
  });

  it('an agent-env-shaped release: the DNS proxy refusal (L7 DNS flow DROPPED) is a REFUSED row with the allowDomains edit', async () => {
    const { s } = session(AENV);
    await s.start();
    await s.whenStatus(isKind('streaming'));
    const r = await traffic({
      namespace: NS,
      pod: `agent-env-${AENV}-default-0`,
      destination: { domain: 'api.anthropic.com', port: 443, protocol: 'TCP' },
    });
    assert.equal(r.dns?.rcode, 'REFUSED');
    const g = await waitFor('the DNS row', () =>
      s.model.groups().find((x) => x.flow.dns?.query === 'api.anthropic.com'),
    );
    assert.equal(g.flow.dns?.via, 'cilium');
    assert.equal(g.flow.dns?.rcode, 'REFUSED');
    assert.equal(g.explanation.kind, 'dns-refused');
    assert.deepEqual(g.explanation.entry, { key: 'allowDomains', domain: 'api.anthropic.com' });
  });

  it('filters are applied by the relay: GetFlows with our filters returns only drops of the release', async () => {
    await traffic({
      namespace: NS,
      pod: `agent-env-${AENV}-default-0`,
      destination: { domain: 'pypi.org', port: 8080, protocol: 'TCP' },
    });
    await traffic({ namespace: NS, pod: sandboxPod, destination: { domain: 'pypi.org', port: 443, protocol: 'TCP' } }); // forwarded
    const relay = (await relayPods())[0].metadata!.name!;
    const fwd = await LocalForward.open(kubeForward(kc, 'cilium', relay, 4245));
    const client = new RelayClient(fwd.address);
    try {
      const got = await new Promise<Record<string, any>[]>((resolve, reject) => {
        const out: Record<string, any>[] = [];
        const call = client.getFlows({ number: '1000', whitelist: dropFilters(NS, [sandboxPod]) });
        call.on('data', (d: Record<string, any>) => out.push(d));
        call.on('end', () => resolve(out));
        call.on('error', reject);
      });
      const flows = got.filter((d) => d.flow).map((d) => d.flow);
      assert.ok(flows.length > 0, 'the release has drops');
      for (const f of flows) {
        assert.equal(f.verdict, 'DROPPED');
        assert.ok(
          f.source?.pod_name === sandboxPod || f.destination?.pod_name === sandboxPod,
          JSON.stringify(f.source),
        );
      }
    } finally {
      client.close();
      fwd.close();
    }
  });

  it('the relay pod is replaced: the panel reconnects to the new pod, resumes with since, and shows no flow twice', async () => {
    const { s } = session('r1');
    await s.start();
    await s.whenStatus(isKind('streaming'));
    await traffic({ namespace: NS, pod: sandboxPod, destination: { domain: 'pypi.org', port: 2301, protocol: 'TCP' } });
    await waitFor('first drops', () => s.model.groups().some((g) => g.flow.destination.port === 2301));
    const old = (await relayPods())[0].metadata!.name!;
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: 'cilium', name: old, gracePeriodSeconds: 0 });
    await s.whenStatus(isKind('reconnecting'));
    const back = await s.whenStatus(
      (x) => x.kind === 'streaming' && !!x.source?.detail.includes('hubble-relay') && !x.source.detail.includes(old),
    );
    assert.equal(back.source?.kind, 'relay');
    await traffic({ namespace: NS, pod: sandboxPod, destination: { domain: 'pypi.org', port: 2302, protocol: 'TCP' } });
    await waitFor(
      'drops after the reconnect',
      () => s.model.groups().some((g) => g.flow.destination.port === 2302),
      30_000,
    );
    // SYN retries arrive over time: wait for all three attempts of each connection, then each flow is there once.
    const count = (port: number) =>
      s.model
        .groups()
        .filter((x) => x.flow.destination.port === port)
        .reduce((n, x) => n + x.count, 0);
    for (const port of [2301, 2302]) {
      await waitFor(`all drops to ${port}`, () => count(port) >= 6, 30_000);
      assert.equal(count(port), 6, `port ${port}: policy verdict + drop per SYN attempt, each once`);
    }
    const uuids = s.model
      .exportJsonl()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).flow?.uuid as string | undefined)
      .filter((u): u is string => !!u);
    assert.equal(new Set(uuids).size, uuids.length, 'no flow twice');
  });

  it('exec fallback: without a relay pod the panel execs into the agents; a user with neither permission gets "no access" naming them', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeploymentScale({
      namespace: 'cilium',
      name: 'hubble-relay',
      body: [{ op: 'replace', path: '/spec/replicas', value: 0 }],
    } as any);
    try {
      await waitFor(
        'relay gone',
        async () =>
          (
            await kc
              .makeApiClient(CoreV1Api)
              .listNamespacedPod({ namespace: 'cilium', labelSelector: 'k8s-app=hubble-relay' })
          ).items.length === 0,
        30_000,
      );
      const { s } = session('r1');
      await s.start();
      const st = await s.whenStatus(isKind('streaming', 'error', 'forbidden', 'no-access'));
      assert.equal(st.kind, 'streaming', st.message);
      assert.equal(st.source?.kind, 'exec');
      assert.match(st.source?.detail ?? '', /Cilium agents in cilium/);
      // The relay user may port-forward in the Cilium namespace but not exec: with no relay, nothing is left.
      const relayUser = new KubeConfig();
      relayUser.loadFromFile(c.writeKubeconfig(join(dir, 'relay-user'), { user: 'relay', namespace: NS }));
      const { s: s2 } = session('r1', relayUser);
      await s2.start();
      const none = await s2.whenStatus(isKind('no-access', 'streaming', 'error', 'forbidden'));
      assert.equal(none.kind, 'no-access', none.message);
      assert.match(none.message ?? '', /create pods\/exec in cilium/);
      assert.match(
        none.source?.grant ?? '',
        /kubectl create role k8s-sandbox-cilium-exec --namespace cilium --verb=create --resource=pods\/exec && kubectl create rolebinding k8s-sandbox-cilium-exec --namespace cilium --role=k8s-sandbox-cilium-exec --user=/,
      );
    } finally {
      await apps.patchNamespacedDeploymentScale({
        namespace: 'cilium',
        name: 'hubble-relay',
        body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
      } as any);
    }
  });
});
