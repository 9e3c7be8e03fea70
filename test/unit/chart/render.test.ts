// What the chart renders for the shared fixtures: QoS, runtime classes, timeouts, labels, volumes; and that
// helm 3.18 and helm 4.1 render the same objects.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computePodQos } from '../../../src/core/kube/qos';
import { helmVersions } from '../../support/tools';
import { byName, cleanupHelmHome, fixturesDir, ofKind, render, validFixtures, type Obj } from './support';

const fx = (name: string): string => join(fixturesDir, name);
const F01 = fx('01-dns-multi-service-values.yaml');
const F03 = fx('03-runtime-class-values.yaml');
const F04 = fx('04-compose-converted-helm-values.yaml');
const F05 = fx('05-allow-domains-ports-scoped-values.yaml');
const F07 = fx('07-volumes-values.yaml');
const H3 = helmVersions[0];

const podSpec = (sts: Obj): Obj => sts.spec.template.spec;
const sts = (objs: Obj[], svc: string): Obj => byName(objs, 'StatefulSet', `r1-${svc}`);

describe('chart: rendered objects', function () {
  this.timeout(60_000);
  const levels = { low: [30, 300, 330], medium: [10, 180, 200], high: [5, 90, 120], critical: [2, 90, 120] } as const;

  let dir: string;
  let numbersFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chart-render-'));
    numbersFile = join(dir, 'numbers-values.yaml');
    // Helm reads YAML numbers as floats; string fields must still get plain digits.
    writeFileSync(numbersFile, 'labels: {cost: 1000000}\nannotations: {budget: 12345678}\nservices:\n  default:\n    image: a\n    args: [1000000, 1.5e7, 0.25, true]\n    env: [{name: BIG, value: 1000000}]\n');
    await Promise.all([
      ...helmVersions.flatMap((v) => validFixtures.map((f) => render(v, 'r1', [fx(f)]))),
      ...Object.keys(levels).map((l) => render(H3, 'r1', [F05], [`timeouts.riskLevel=${l}`])),
    ]);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    cleanupHelmHome();
  });

  it('helm 3.18 and helm 4.1 render the same objects for every fixture', async () => {
    for (const f of validFixtures) {
      assert.deepEqual(await render(helmVersions[1], 'r1', [fx(f)]), await render(H3, 'r1', [fx(f)]), f);
    }
  });

  it('renders only standard kinds plus cilium.io/v2 CiliumNetworkPolicy', async () => {
    const allowed = new Set(['apps/v1/StatefulSet', 'v1/Service', 'v1/ConfigMap', 'v1/PersistentVolumeClaim', 'v1/ServiceAccount', 'cilium.io/v2/CiliumNetworkPolicy']);
    for (const f of validFixtures) {
      for (const o of await render(H3, 'r1', [fx(f)])) assert.ok(allowed.has(`${o.apiVersion}/${o.kind}`), `${f}: ${o.apiVersion}/${o.kind}`);
    }
  });

  it('one single-replica StatefulSet per service, service container first, CoreDNS sidecar second', async () => {
    const objs = await render(H3, 'r1', [F01]);
    assert.deepEqual(ofKind(objs, 'StatefulSet').map((s) => s.metadata.name).sort(), ['r1-default', 'r1-victim', 'r1-victim-google', 'r1-victim-ports']);
    for (const s of ofKind(objs, 'StatefulSet')) {
      const svc = s.metadata.labels['inspect/service'];
      assert.equal(s.spec.replicas, 1);
      assert.deepEqual(podSpec(s).containers.map((c: Obj) => c.name), [svc, 'coredns']);
      assert.equal(s.spec.template.metadata.annotations['kubectl.kubernetes.io/default-container'], svc);
      assert.equal(podSpec(s).automountServiceAccountToken, false);
      assert.equal(podSpec(s).enableServiceLinks, false);
      const mount = podSpec(s).containers[0].volumeMounts.find((m: Obj) => m.mountPath === '/etc/resolv.conf');
      assert.deepEqual(mount, { name: 'resolv-conf', mountPath: '/etc/resolv.conf', subPath: 'resolv.conf', readOnly: true });
      assert.deepEqual(podSpec(s).containers[1].volumeMounts, [{ name: 'coredns-config', mountPath: '/etc/coredns/Corefile', subPath: 'Corefile', readOnly: true }]);
      const dns = podSpec(s).containers[1];
      assert.match(dns.image, /^coredns\/coredns:[\d.]+@sha256:[0-9a-f]{64}$/);
      assert.deepEqual(dns.securityContext.capabilities, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
      assert.equal(dns.securityContext.readOnlyRootFilesystem, true);
      assert.equal(dns.securityContext.runAsNonRoot, true);
      assert.equal(dns.securityContext.seccompProfile.type, 'RuntimeDefault');
    }
    const cm = byName(objs, 'ConfigMap', 'r1-resolv-conf');
    assert.equal(cm.data['resolv.conf'], 'nameserver 127.0.0.1\n');
  });

  it('QoS by the Kubernetes rules: Guaranteed by default (no resources given)', async () => {
    for (const f of [F05, F07]) {
      for (const s of ofKind(await render(H3, 'r1', [f]), 'StatefulSet')) {
        assert.equal(computePodQos(podSpec(s)), 'Guaranteed', `${f} ${s.metadata.name}`);
        for (const c of podSpec(s).containers) assert.deepEqual(c.resources.requests, c.resources.limits, `${s.metadata.name}/${c.name}`);
      }
    }
  });

  it('QoS: Guaranteed for fixtures 01 and 03 (requests = limits), Burstable for fixture 04 memory-only services', async () => {
    for (const f of [F01, F03]) {
      for (const s of ofKind(await render(H3, 'r1', [f]), 'StatefulSet')) assert.equal(computePodQos(podSpec(s)), 'Guaranteed', s.metadata.name);
    }
    const objs = await render(H3, 'r1', [F04]);
    assert.equal(computePodQos(podSpec(sts(objs, 'victim'))), 'Burstable');
    assert.equal(computePodQos(podSpec(sts(objs, 'ghidra'))), 'Burstable');
    assert.deepEqual(podSpec(sts(objs, 'ghidra')).containers[0].resources, { limits: { memory: '2Gi' }, requests: { memory: '2Gi' } });
    // default asks for half the cpu and memory it may use: Burstable too.
    assert.equal(computePodQos(podSpec(sts(objs, 'default'))), 'Burstable');
  });

  it('QoS: init containers without resources get those of the service container, so the pod stays Guaranteed', async () => {
    const init = (i: number, k: string, v: string): string => `services.default.initContainers[${i}].${k}=${v}`;
    const objs = await render(H3, 'r1', [F05], [init(0, 'name', 'wait'), init(0, 'image', 'busybox:1.36'), init(1, 'name', 'big'), init(1, 'image', 'busybox:1.36'), init(1, 'resources.limits.cpu', '1'), init(1, 'resources.limits.memory', '1Gi')]);
    const spec = podSpec(sts(objs, 'default'));
    assert.deepEqual(spec.initContainers[0].resources, spec.containers[0].resources);
    assert.deepEqual(spec.initContainers[1].resources, { limits: { cpu: 1, memory: '1Gi' } });
    assert.deepEqual(spec.initContainers[0].env, [{ name: 'AGENT_ENV', value: 'r1' }]);
    assert.equal(computePodQos(spec), 'Guaranteed');
  });

  it('runtimeClassName: gvisor by default, runc when asked, omitted for CLUSTER_DEFAULT (fixture 03)', async () => {
    const objs = await render(H3, 'r1', [F03]);
    const rc = (svc: string): unknown => podSpec(sts(objs, svc)).runtimeClassName;
    assert.equal(rc('default'), 'gvisor');
    assert.equal(rc('gvisor-specified'), 'gvisor');
    assert.equal(rc('runc-specified'), 'runc');
    assert.equal(rc('unspecified'), 'gvisor');
    assert.ok(!('runtimeClassName' in podSpec(sts(objs, 'cluster-default-magic-string'))));
  });

  it('grace period, app timeout and deadline follow the risk level', async () => {
    for (const [level, [grace, app, deadline]] of Object.entries(levels)) {
      const s = sts(await render(H3, 'r1', [F05], [`timeouts.riskLevel=${level}`]), 'default');
      assert.equal(podSpec(s).terminationGracePeriodSeconds, grace, level);
      assert.deepEqual(
        Object.fromEntries(Object.entries(s.spec.template.metadata.annotations).filter(([k]) => k.startsWith('k8s-sandbox.dev/'))),
        { 'k8s-sandbox.dev/risk-level': level, 'k8s-sandbox.dev/app-timeout-seconds': String(app), 'k8s-sandbox.dev/deadline-seconds': String(deadline) },
      );
      assert.ok(!('activeDeadlineSeconds' in podSpec(s)), 'StatefulSet pods cannot carry activeDeadlineSeconds');
    }
    // Without timeouts in the values the level is medium.
    assert.equal(podSpec(sts(await render(H3, 'r1', [F05]), 'default')).terminationGracePeriodSeconds, 10);
  });

  it('a per-service grace period (0 included) and explicit app timeout / deadline override the table', async () => {
    const objs = await render(H3, 'r1', [F01], [
      'timeouts.riskLevel=high',
      'timeouts.appTimeoutSeconds=60',
      'timeouts.deadlineSeconds=75',
      'services.victim.terminationGracePeriodSeconds=0',
      'services.victim-google.terminationGracePeriodSeconds=4',
    ]);
    assert.equal(podSpec(sts(objs, 'default')).terminationGracePeriodSeconds, 5);
    assert.equal(podSpec(sts(objs, 'victim')).terminationGracePeriodSeconds, 0);
    assert.equal(podSpec(sts(objs, 'victim-google')).terminationGracePeriodSeconds, 4);
    const a = sts(objs, 'victim').spec.template.metadata.annotations;
    assert.equal(a['k8s-sandbox.dev/app-timeout-seconds'], '60');
    assert.equal(a['k8s-sandbox.dev/deadline-seconds'], '75');
    assert.equal(a['k8s-sandbox.dev/risk-level'], 'high');
  });

  it('labels: name, instance and inspect/service everywhere they apply; user labels and annotations added, chart labels win', async () => {
    const objs = await render(H3, 'r1', [F01], ['labels.team=evals', 'labels.app\\.kubernetes\\.io/instance=hijack', 'annotations.inspectTaskName=demo']);
    for (const o of objs) {
      const l = o.metadata.labels;
      assert.equal(l['app.kubernetes.io/name'], 'k8s-sandbox', `${o.kind}/${o.metadata.name}`);
      assert.equal(l['app.kubernetes.io/instance'], 'r1', `${o.kind}/${o.metadata.name}`);
      assert.equal(l.team, 'evals');
      assert.equal(o.metadata.annotations.inspectTaskName, 'demo');
      if (['StatefulSet', 'Service', 'CiliumNetworkPolicy'].includes(o.kind)) assert.equal(l['inspect/service'], o.metadata.name.slice('r1-'.length));
    }
    for (const s of ofKind(objs, 'StatefulSet')) {
      const svc = s.metadata.labels['inspect/service'];
      const pod = s.spec.template.metadata;
      assert.deepEqual(s.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'k8s-sandbox', 'app.kubernetes.io/instance': 'r1', 'inspect/service': svc });
      for (const [k, v] of Object.entries(s.spec.selector.matchLabels)) assert.equal(pod.labels[k], v);
      assert.equal(pod.labels.team, 'evals');
      assert.equal(pod.annotations.inspectTaskName, 'demo');
    }
  });

  it('headless Services exactly for services with a DNS record; deprecated ports kept', async () => {
    const objs = await render(H3, 'r1', [F01]);
    const services = ofKind(objs, 'Service');
    assert.deepEqual(services.map((s) => s.metadata.name).sort(), ['r1-victim', 'r1-victim-google', 'r1-victim-ports']);
    for (const s of services) assert.equal(s.spec.clusterIP, 'None');
    assert.deepEqual(byName(objs, 'Service', 'r1-victim-ports').spec.ports, [{ name: 'port-80', port: 80, protocol: 'TCP' }]);
    assert.ok(!('ports' in byName(objs, 'Service', 'r1-victim').spec));
  });

  it('volumes: PVCs (default and custom spec), string mounts, object volumes (fixture 07)', async () => {
    const objs = await render(H3, 'r1', [F07]);
    const pvcs = ofKind(objs, 'PersistentVolumeClaim');
    assert.deepEqual(pvcs.map((p) => p.metadata.name).sort(), ['r1-custom-volume', 'r1-simple-volume-1', 'r1-simple-volume-2']);
    assert.deepEqual(byName(objs, 'PersistentVolumeClaim', 'r1-custom-volume').spec, { storageClassName: 'nfs-client', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '42Mi' } } });
    assert.deepEqual(byName(objs, 'PersistentVolumeClaim', 'r1-simple-volume-1').spec.accessModes, ['ReadWriteMany']);
    for (const svc of ['default', 'other']) {
      const spec = podSpec(sts(objs, svc));
      const vols = Object.fromEntries(spec.volumes.map((v: Obj) => [v.name, v]));
      assert.deepEqual(vols['r1-simple-volume-1'].persistentVolumeClaim, { claimName: 'r1-simple-volume-1' });
      assert.deepEqual(vols['manual-volume'], { name: 'manual-volume', emptyDir: {} });
      const mounts = spec.containers[0].volumeMounts.map((m: Obj) => `${m.name}:${m.mountPath}`).sort();
      assert.deepEqual(mounts, ['manual-volume:/manual-volume-mount-path', 'r1-simple-volume-1:/simple-volume-mount-path', 'resolv-conf:/etc/resolv.conf']);
    }
  });

  it('env, workingDir, probes and securityContext pass through (fixture 04)', async () => {
    const objs = await render(H3, 'r1', [F04]);
    const d = podSpec(sts(objs, 'default')).containers[0];
    assert.equal(d.workingDir, '/root');
    assert.deepEqual(d.env, [{ name: 'AGENT_ENV', value: 'r1' }, { name: 'VICTIM_HOSTNAME', value: 'victim' }]);
    const v = podSpec(sts(objs, 'victim')).containers[0];
    assert.deepEqual(v.readinessProbe.exec.command, ['curl', '-f', 'http://localhost:8080/health']);
    assert.deepEqual(v.securityContext, { runAsUser: 1000, runAsGroup: 1000 });
  });

  it('numbers in string fields (args, env, labels, annotations) are written as plain digits', async () => {
    const s = sts(await render(H3, 'r1', [numbersFile]), 'default');
    const c = podSpec(s).containers[0];
    assert.deepEqual(c.args, ['1000000', '15000000', '0.25', 'true']);
    assert.deepEqual(c.env[1], { name: 'BIG', value: '1000000' });
    assert.equal(s.metadata.labels.cost, '1000000');
    assert.equal(s.spec.template.metadata.annotations.budget, '12345678');
  });

  it('serviceAccount: none by default, created and used when asked, token never mounted unless asked', async () => {
    assert.equal(ofKind(await render(H3, 'r1', [F05]), 'ServiceAccount').length, 0);
    const objs = await render(H3, 'r1', [F05], ['serviceAccountCreate=true', 'imagePullSecrets[0].name=regcred']);
    const sa = byName(objs, 'ServiceAccount', 'r1');
    assert.equal(sa.automountServiceAccountToken, false);
    assert.equal(podSpec(sts(objs, 'default')).serviceAccountName, 'r1');
    assert.deepEqual(podSpec(sts(objs, 'default')).imagePullSecrets, [{ name: 'regcred' }]);
    const named = await render(H3, 'r1', [F05], ['serviceAccountName=runner', 'automountServiceAccountToken=true']);
    assert.equal(ofKind(named, 'ServiceAccount').length, 0);
    assert.equal(podSpec(sts(named, 'default')).serviceAccountName, 'runner');
    assert.equal(podSpec(sts(named, 'default')).automountServiceAccountToken, true);
  });
});
