// Hubble through `kubectl exec` into the Cilium agent pods (kubectl 1.33 and 1.35): generated traffic against a
// CiliumNetworkPolicy gives drops in the real jsonpb shape, only on the node that saw them; --follow streams;
// Hubble disabled and a stopped agent fail with the real error text.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { kubectlBinary, kubectlVersions } from '../../support/tools';
import { UNAVAILABLE } from './hubble/observe';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- flows are JSON */

const NS = 'sbx';
const SAMPLES = join(__dirname, '..', '..', 'unit', 'cilium', 'samples');

/** Every key path the real samples use (flow.x, flow.source.x, ...): ours must stay within them. */
function sampleKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (o: unknown, path: string): void => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return;
    for (const [k, v] of Object.entries(o)) {
      keys.add(`${path}.${k}`);
      if (!['labels', 'node_labels', 'workloads', 'egress_denied_by', 'policy_log', 'destination_names'].includes(k))
        walk(v, `${path}.${k}`);
    }
  };
  for (const f of readdirSync(SAMPLES).filter((n) => /jsonpb|jsonl$/.test(n))) {
    for (const line of readFileSync(join(SAMPLES, f), 'utf8').split('\n').filter(Boolean)) walk(JSON.parse(line), '');
  }
  return keys;
}

function keyPaths(o: unknown, path = ''): string[] {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return [];
  return Object.entries(o).flatMap(([k, v]) => [
    `${path}.${k}`,
    ...(['labels', 'node_labels', 'workloads', 'egress_denied_by', 'destination_names'].includes(k)
      ? []
      : keyPaths(v, `${path}.${k}`)),
  ]);
}

const lines = (s: string): any[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('sim kubelet: hubble observe in the Cilium agent', function () {
  this.timeout(90_000);
  let env: TestEnv;
  const agents: Record<string, string> = {};

  before(async () => {
    env = await startEnv();
    const [n1, n2] = ['sim-node-1', 'sim-node-2'];
    const release = { 'app.kubernetes.io/instance': 'r1', 'app.kubernetes.io/name': 'k8s-sandbox' };
    await runningPod(
      env,
      NS,
      simplePod('r1-default-0', { nodeName: n1, labels: { ...release, 'inspect/service': 'default' } }),
    );
    await runningPod(
      env,
      NS,
      simplePod('r1-web-0', { nodeName: n2, labels: { ...release, 'inspect/service': 'web' } }),
    );
    await env.core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'r1-web' },
        spec: { clusterIP: 'None', selector: { ...release, 'inspect/service': 'web' }, ports: [{ port: 8080 }] },
      },
    });
    await env.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'cilium.io',
      version: 'v2',
      namespace: NS,
      plural: 'ciliumnetworkpolicies',
      body: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: 'r1-egress' },
        spec: {
          endpointSelector: { matchLabels: release },
          egress: [
            { toEndpoints: [{ matchLabels: release }] },
            { toFQDNs: [{ matchName: 'pypi.org' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
          ],
        },
      },
    });
    for (const p of env.cluster.store.list(env.cluster.resources.pods, 'kube-system')) {
      if (p.metadata.labels?.['k8s-app'] === 'cilium') agents[(p.spec as any).nodeName] = p.metadata.name;
    }
    assert.ok(agents[n1] && agents[n2], 'one agent pod per node');
    await waitFor('agents ready', () =>
      Object.values(agents).every((a) =>
        (env.cluster.store.get(env.cluster.resources.pods, 'kube-system', a)?.status as any)?.containerStatuses?.every(
          (c: any) => c.ready,
        ),
      ),
    );
  });
  after(async () => env?.stop());

  const observe = (v: (typeof kubectlVersions)[number], node: string, args: string[]) =>
    env.kubectl(v, [
      'exec',
      '-n',
      'kube-system',
      agents[node],
      '-c',
      'cilium-agent',
      '--',
      'hubble',
      'observe',
      ...args,
    ]);

  it('a denied connection: policy-verdict + drop per SYN attempt, in the shape of the real samples', async () => {
    const result = await env.kubelet.traffic.request({
      namespace: NS,
      pod: 'r1-default-0',
      destination: { domain: 'evil.example', port: 443, protocol: 'TCP' },
    });
    assert.equal(result.verdict, 'DROPPED');
    assert.equal(result.dropReason, 'POLICY_DENIED');
    assert.equal(result.flows, 6);
    const known = sampleKeys();
    for (const v of kubectlVersions) {
      const r = await observe(v, 'sim-node-1', [
        '--verdict',
        'DROPPED',
        '--pod',
        `${NS}/r1-default`,
        '--to-fqdn',
        'evil.example',
        '-o',
        'jsonpb',
        '--last',
        '100',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const got = lines(r.stdout);
      assert.equal(got.length, 6);
      assert.deepEqual(
        got.map((g) => g.flow.event_type.type),
        [5, 1, 5, 1, 5, 1],
      );
      const ports = new Set(got.map((g) => g.flow.l4.TCP.source_port));
      assert.equal(ports.size, 1, 'SYN retries reuse the source port');
      for (const g of got) {
        assert.equal(g.node_name, 'sim-node-1');
        assert.equal(g.time, g.flow.time);
        assert.match(g.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        assert.equal(g.flow.verdict, 'DROPPED');
        assert.equal(g.flow.drop_reason, 133);
        assert.equal(g.flow.drop_reason_desc, 'POLICY_DENIED');
        assert.equal(g.flow.traffic_direction, 'EGRESS');
        assert.deepEqual(g.flow.destination_names, ['evil.example']);
        assert.deepEqual(g.flow.destination, { identity: 2, labels: ['reserved:world'] });
        assert.equal(g.flow.source.pod_name, 'r1-default-0');
        assert.ok(g.flow.source.labels.includes(`k8s:io.kubernetes.pod.namespace=${NS}`));
        assert.deepEqual(g.flow.l4.TCP.flags, { SYN: true });
        assert.equal(g.flow.Summary, 'TCP Flags: SYN');
        for (const k of keyPaths(g)) assert.ok(known.has(k), `${k} appears in no real sample`);
        const parsed = parseFlowLine(JSON.stringify(g));
        assert.equal(parsed.kind, 'flow');
      }
      assert.deepEqual(got[1].flow.event_type, { type: 1, sub_type: 133 });
      const drops = await observe(v, 'sim-node-1', [
        '--type',
        'drop',
        '--namespace',
        NS,
        '--to-fqdn',
        'evil.example',
        '-o',
        'jsonpb',
        '--last',
        '100',
      ]);
      assert.equal(lines(drops.stdout).length, 3);
      const elsewhere = await observe(v, 'sim-node-2', [
        '--verdict',
        'DROPPED',
        '--to-fqdn',
        'evil.example',
        '-o',
        'jsonpb',
        '--last',
        '100',
      ]);
      assert.equal(elsewhere.code, 0, elsewhere.stderr);
      assert.equal(elsewhere.stdout, '', 'the other node did not see it');
      const compact = await observe(v, 'sim-node-1', ['--type', 'drop', '--to-fqdn', 'evil.example', '--last', '1']);
      assert.match(
        compact.stdout,
        new RegExp(
          `${NS}/r1-default-0:\\d+ \\(ID:\\d+\\) <> evil\\.example:443 \\(world\\) Policy denied DROPPED \\(TCP Flags: SYN\\)`,
        ),
      );
    }
  });

  it('allowed traffic is FORWARDED; in-release traffic shows up on both nodes', async () => {
    const ok = await env.kubelet.traffic.request({
      namespace: NS,
      pod: 'r1-default-0',
      destination: { domain: 'pypi.org', port: 443, protocol: 'TCP' },
    });
    assert.equal(ok.verdict, 'FORWARDED');
    const other = await env.kubelet.traffic.request({
      namespace: NS,
      pod: 'r1-default-0',
      destination: { domain: 'pypi.org', port: 22, protocol: 'TCP' },
    });
    assert.equal(other.verdict, 'DROPPED');
    const peer = await env.kubelet.traffic.request({
      namespace: NS,
      pod: 'r1-default-0',
      destination: { domain: 'r1-web', port: 8080, protocol: 'TCP' },
    });
    assert.equal(peer.verdict, 'FORWARDED');
    assert.equal(peer.destination.pod, 'r1-web-0');
    const fwd = lines(
      (
        await observe('1.35.2', 'sim-node-1', [
          '--verdict',
          'FORWARDED',
          '--type',
          'policy-verdict',
          '-o',
          'jsonpb',
          '--last',
          '10',
        ])
      ).stdout,
    );
    assert.ok(
      fwd.some(
        (g) => g.flow.destination_names?.[0] === 'pypi.org' && g.flow.egress_allowed_by?.[0]?.name === 'r1-egress',
      ),
    );
    const ingress = lines(
      (await observe('1.35.2', 'sim-node-2', ['--to-pod', `${NS}/r1-web-0`, '-o', 'jsonpb', '--last', '10'])).stdout,
    );
    assert.ok(ingress.some((g) => g.flow.traffic_direction === 'INGRESS' && g.flow.source.pod_name === 'r1-default-0'));
  });

  for (const v of kubectlVersions) {
    it(`kubectl ${v}: --follow streams new drops until the client leaves`, async () => {
      const child = spawn(
        kubectlBinary(v),
        [
          'exec',
          '-n',
          'kube-system',
          agents['sim-node-1'],
          '-c',
          'cilium-agent',
          '--',
          'hubble',
          'observe',
          '--follow',
          '--verdict',
          'DROPPED',
          '--namespace',
          NS,
          '-o',
          'jsonpb',
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: env.dir,
            KUBECONFIG: env.kubeconfig,
            KUBECACHEDIR: join(env.dir, `cache-${v}`),
          },
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((resolve) => child.on('close', resolve));
      const domain = `follow-${v.replace(/\./g, '-')}.example`;
      // The stream only carries what happens after it started: keep generating until a drop arrives.
      await waitFor('a streamed drop', async () => {
        await env.kubelet.traffic.request({
          namespace: NS,
          pod: 'r1-default-0',
          destination: { domain, port: 443, protocol: 'TCP' },
        });
        return out.includes(domain);
      });
      assert.ok(
        lines(out.slice(0, out.lastIndexOf('\n') + 1)).every(
          (g) => g.flow.verdict === 'DROPPED' && g.flow.source.namespace === NS,
        ),
      );
      assert.equal(env.kubelet.liveExecs('kube-system', agents['sim-node-1'], 'cilium-agent'), 1);
      child.kill('SIGTERM');
      await exited;
      await waitFor('session closed', () => env.kubelet.liveExecs('kube-system', agents['sim-node-1']) === 0);
    });
  }

  it('Hubble disabled: the real connection error, exit code 1', async () => {
    env.kubelet.faults.setHubbleEnabled(false);
    try {
      for (const v of kubectlVersions) {
        const r = await observe(v, 'sim-node-1', ['-o', 'jsonpb']);
        assert.equal(r.code, 1);
        assert.ok(r.stderr.includes(UNAVAILABLE), r.stderr);
        assert.match(r.stderr, /command terminated with exit code 1/);
      }
    } finally {
      env.kubelet.faults.setHubbleEnabled(true);
    }
  });

  it("a stopped agent: its pod turns unready, a following stream breaks, hubble can't connect", async () => {
    const child = spawn(
      kubectlBinary('1.35.2'),
      [
        'exec',
        '-n',
        'kube-system',
        agents['sim-node-2'],
        '-c',
        'cilium-agent',
        '--',
        'hubble',
        'observe',
        '--follow',
        '-o',
        'jsonpb',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: env.dir,
          KUBECONFIG: env.kubeconfig,
          KUBECACHEDIR: join(env.dir, 'cache-1.35.2'),
        },
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor('stream open', () => env.kubelet.liveExecs('kube-system', agents['sim-node-2']) === 1);
    env.kubelet.faults.stopAgent('sim-node-2');
    try {
      assert.equal(await exited, 1);
      assert.match(err, /rpc error: code = Unavailable desc = error reading from server: EOF/);
      const agent = env.cluster.store.get(env.cluster.resources.pods, 'kube-system', agents['sim-node-2']) as any;
      assert.equal(agent.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
      const r = await observe('1.33.0', 'sim-node-2', ['--last', '1']);
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(UNAVAILABLE));
      const fine = await observe('1.33.0', 'sim-node-1', ['--last', '1', '-o', 'jsonpb']);
      assert.equal(fine.code, 0, fine.stderr);
    } finally {
      env.kubelet.faults.startAgent('sim-node-2');
    }
    await waitFor(
      'agent ready again',
      () =>
        (env.cluster.store.get(env.cluster.resources.pods, 'kube-system', agents['sim-node-2'])?.status as any)
          ?.containerStatuses?.[0].ready,
    );
  });

  it('hubble status reports the node buffer', async () => {
    const r = await env.kubectl('1.35.2', [
      'exec',
      '-n',
      'kube-system',
      agents['sim-node-1'],
      '-c',
      'cilium-agent',
      '--',
      'hubble',
      'status',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Healthcheck \(via unix:\/\/\/var\/run\/cilium\/hubble\.sock\): Ok\nCurrent\/Max Flows: [\d,]+\/4,095 /,
    );
  });
});
