// The sandbox model against the simulated cluster, with releases installed by the real helm 3.18 and 4.1.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { podDescription, releaseDescription } from '../../../src/core/sandbox/display';
import type { ReleaseVM } from '../../../src/core/sandbox/viewModels';
import { SimEnv, openStack, waitFor, type Stack } from './harness';

type Faults = {
  crash(ns: string, pod: string, container?: string, o?: { reason?: 'OOMKilled' | 'Error'; exitCode?: number }): void;
};

describe('sandbox model on the simulated cluster (real helm)', function () {
  this.timeout(180_000);
  const env = new SimEnv();
  let stack: Stack;
  const rel = (name: string): ReleaseVM | undefined => stack.model.releases.find((r) => r.name === name);

  before(async () => {
    await env.start();
    // One release per helm major, plus a non-sandbox release that must stay out of the tree.
    await env.install('3.18.0', 'dns3', '01-dns-multi-service-values.yaml');
    await env.install('4.1.4', 'rc4', '03-runtime-class-values.yaml', { namespace: 'team-b' });
    await env.install('3.18.0', 'burst', '04-compose-converted-helm-values.yaml', { namespace: 'team-b' });
    const plain = join(env.dir, 'plain');
    mkdirSync(join(plain, 'templates'), { recursive: true });
    writeFileSync(join(plain, 'Chart.yaml'), 'apiVersion: v2\nname: plain\nversion: 0.1.0\n');
    writeFileSync(
      join(plain, 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata: {a: b}\n',
    );
    await env.helm('3.18.0', ['install', 'notasandbox', plain]);
    stack = openStack(env.kubeconfig());
    stack.model.start();
    await waitFor(
      stack.model,
      'three ready releases',
      () => stack.model.state.phase === 'ready' && stack.model.releases.length === 3,
    );
  });

  after(async () => {
    stack?.dispose();
    await env.stop();
  });

  it('lists the sandboxes from both helm majors with ready counts, QoS and runtime classes', () => {
    assert.deepEqual(
      stack.model.releases.map((r) => `${r.namespace}/${r.name}`),
      ['default/dns3', 'team-b/burst', 'team-b/rc4'],
    );
    const dns = rel('dns3')!;
    assert.equal(dns.status, 'deployed');
    assert.equal(dns.revision, 1);
    assert.equal(dns.chart.name, 'k8s-sandbox');
    assert.equal(`${dns.readyPods}/${dns.expectedPods}`, '4/4');
    assert.deepEqual(dns.pods.map((p) => p.service).sort(), ['default', 'victim', 'victim-google', 'victim-ports']);
    assert.ok(
      dns.pods.every((p) => p.qos === 'Guaranteed' && p.runtimeClass === 'gvisor'),
      'Guaranteed gvisor pods',
    );
    assert.deepEqual(dns.nonGuaranteed, []);
    assert.equal(dns.timeouts.riskLevel !== undefined, true, 'timeouts read from the chart annotations');
    const rc = rel('rc4')!;
    assert.equal(`${rc.readyPods}/${rc.expectedPods}`, '5/5');
    const byService = new Map(rc.pods.map((p) => [p.service, p.runtimeClass]));
    assert.equal(byService.get('gvisor-specified'), 'gvisor');
    assert.equal(byService.get('runc-specified'), 'runc');
    assert.equal(byService.get('unspecified'), 'gvisor');
    assert.equal(byService.get('cluster-default-magic-string'), undefined);
    const burst = rel('burst')!;
    assert.ok(
      burst.nonGuaranteed.length > 0 && burst.nonGuaranteed.every((x) => x.qos === 'Burstable'),
      JSON.stringify(burst.nonGuaranteed),
    );
    assert.match(releaseDescription(burst, Date.now()), /Burstable QoS/);
    const pod = dns.pods.find((p) => p.service === 'default')!;
    assert.match(podDescription(pod, Date.now()), /^Running · Guaranteed · gvisor$/);
    assert.ok(pod.startupMs !== undefined && pod.nodeName && pod.podIP, 'tooltip facts present');
    assert.deepEqual(
      pod.containers.map((c) => c.name),
      ['default', 'coredns'],
    );
  });

  it('shows an injected crash as a restart with its reason within 1 s, refreshing only that part', async () => {
    const pod = rel('dns3')!.pods.find((p) => p.service === 'victim')!;
    stack.changes.length = 0;
    (env.cluster.kubelet.faults as Faults).crash('default', pod.name, 'victim', { reason: 'OOMKilled' });
    const seen = await waitFor(
      stack.model,
      'the restart',
      () => rel('dns3')?.pods.find((p) => p.name === pod.name && p.restarts === 1),
      1000,
    );
    assert.equal(seen.lastRestart?.reason, 'OOMKilled');
    assert.equal(seen.lastRestart?.exitCode, 137);
    assert.equal(seen.containers.find((c) => c.name === 'victim')?.restarts, 1);
    assert.match(podDescription(seen, Date.now()), /1 restart \(OOMKilled <1m ago\)/);
    assert.ok(
      stack.changes.length > 0 && stack.changes.every((c) => c.nodes !== undefined),
      'targeted refreshes, no full refresh',
    );
    const ids = new Set(
      stack.changes
        .flatMap((c) => c.nodes ?? [])
        .map((n) => (n.kind === 'pod' ? n.pod : n.kind === 'release' ? n.release : n.kind === 'task' ? 'group' : '?')),
    );
    assert.ok(
      [...ids].every((id) => id === pod.name || id === 'dns3' || id === 'group'),
      `only the crashed pod or its ancestors: ${[...ids].join(', ')}`,
    );
    assert.equal(rel('dns3')!.restarts, 1);
  });

  it('shows a deleted pod going away and its recreation by the StatefulSet', async () => {
    const before = rel('rc4')!.pods.find((p) => p.service === 'runc-specified')!;
    const api = stack.access.kubeConfig.makeApiClient(CoreV1Api);
    await api.deleteNamespacedPod({ name: before.name, namespace: 'team-b', gracePeriodSeconds: 0 });
    await waitFor(stack.model, 'the pod to go', () => {
      const p = rel('rc4')!.pods.find((x) => x.name === before.name);
      return !p || p.uid !== before.uid || p.deleting;
    });
    const again = await waitFor(stack.model, 'the recreated pod to be ready', () =>
      rel('rc4')!.pods.find((x) => x.name === before.name && x.uid !== before.uid && x.ready),
    );
    assert.notEqual(again.uid, before.uid);
    assert.equal(rel('rc4')!.readyPods, 5);
  });

  it('flags a release whose RuntimeClass does not exist (its pods are rejected)', async () => {
    await env.install('3.18.0', 'nokata', '03-runtime-class-values.yaml', {
      wait: false,
      extra: ['--set', 'services.default.runtimeClassName=kata'],
    });
    const r = await waitFor(stack.model, 'missing RuntimeClass badge', () => {
      const x = rel('nokata');
      return x && x.missingRuntimeClasses.includes('kata') ? x : undefined;
    });
    assert.ok(r.readyPods < r.expectedPods, `${r.readyPods}/${r.expectedPods}`);
    assert.match(releaseDescription(r, Date.now()), /RuntimeClass kata missing/);
    assert.ok(!r.pods.some((p) => p.service === 'default'), 'the rejected pod does not exist');
  });

  for (const [version, name, labels] of [
    ['3.18.0', 'live3', ['--labels', 'inspectSandbox=true']],
    ['4.1.4', 'live4', ['--labels', 'inspectSandbox=true']],
    ['3.18.0', 'plain3', []],
  ] as const) {
    it(`follows a release installed while it watches: pending-install, then deployed (helm ${version}${labels.length ? ', labelled record' : ', unlabelled record'})`, async () => {
      await env.install(version, name, '01-dns-multi-service-values.yaml', { extra: [...labels] });
      await waitFor(stack.model, `${name} deployed`, () => rel(name)?.status === 'deployed');
      await env.helm(version, ['uninstall', name, '--wait']);
      await waitFor(stack.model, `${name} gone`, () => !rel(name));
    });
  }

  it('drops an uninstalled release', async () => {
    await env.helm('4.1.4', ['uninstall', 'nokata', '--wait']);
    await waitFor(stack.model, 'nokata gone', () => !rel('nokata'));
  });
});
