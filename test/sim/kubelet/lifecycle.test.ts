// Pod lifecycle of the simulated kubelet: start-up status, restarts with CrashLoopBackOff, readiness, eviction,
// activeDeadlineSeconds and graceful deletion. Most cases drive a Kubelet on a bare Store (fast timings); the
// crash case is read back through the real kubectl against the full simulated cluster.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resources } from '../resources';
import { type KubeObject, Store } from '../store';
import { kubectlVersions } from '../../support/tools';
import { Kubelet } from './index';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod status is loosely typed JSON */

const NODES = ['node-a', 'node-b'];

function pod(name: string, spec: Record<string, unknown> = {}, node = 'node-a'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns1', labels: { app: name } },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'python:3.12' }], ...spec },
    status: { phase: 'Pending', qosClass: 'Guaranteed' },
  };
}

describe('sim kubelet: pod lifecycle (bare store)', function () {
  this.timeout(20_000);
  let store: Store;
  let kubelet: Kubelet;
  let workDir: string;
  const get = (name: string): any => store.get(resources.pods, 'ns1', name);
  const events = (name: string): Array<{ reason: string; message: string; type: string }> =>
    store.list(resources.events, 'ns1').filter((e: any) => e.involvedObject.name === name) as any;
  const cond = (name: string, type: string): any => get(name)?.status?.conditions?.find((c: any) => c.type === type);

  beforeEach(() => {
    store = new Store();
    workDir = mkdtempSync(join(tmpdir(), 'kubelet-life-'));
    kubelet = new Kubelet({
      store,
      resources,
      workDir,
      nodes: NODES,
      startDelayMs: 20,
      backoffMs: 60,
      graceCapMs: 100,
      deadlineScale: 0.01,
      crashLoopRunMs: 60,
    });
    kubelet.start();
  });
  afterEach(async () => {
    await kubelet.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('Pending -> Running with the status fields a kubelet reports', async () => {
    store.create(resources.pods, pod('p1'));
    store.create(resources.pods, pod('p2', {}, 'node-b'));
    assert.equal(get('p1').status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    await waitFor('running', () => get('p1')?.status.phase === 'Running' && get('p2')?.status.phase === 'Running');
    const s = get('p1').status;
    const c = s.containerStatuses[0];
    assert.equal(c.name, 'app');
    assert.equal(c.image, 'docker.io/library/python:3.12');
    assert.match(c.imageID, /^docker\.io\/library\/python@sha256:[0-9a-f]{64}$/);
    assert.match(c.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(c.ready, true);
    assert.equal(c.started, true);
    assert.equal(c.restartCount, 0);
    assert.ok(c.state.running.startedAt);
    assert.deepEqual(c.lastState, {});
    assert.deepEqual(
      s.conditions.map((x: any) => [x.type, x.status]),
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
    );
    assert.equal(s.qosClass, 'Guaranteed');
    assert.match(s.podIP, /^10\.244\.\d+\.\d+$/);
    assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
    assert.notEqual(s.podIP, get('p2').status.podIP);
    assert.equal(s.hostIP, '172.18.0.2');
    assert.equal(get('p2').status.hostIP, '172.18.0.3');
    assert.match(s.startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      events('p1')
        .map((e) => e.reason)
        .sort(),
      ['Created', 'Pulled', 'Pulling', 'Started'],
    );
    assert.equal(
      events('p2')
        .find((e) => e.reason === 'Pulled')
        ?.message.startsWith('Successfully pulled image "python:3.12"'),
      true,
    );
  });

  it('ignores pods of other nodes and unscheduled pods', async () => {
    store.create(resources.pods, pod('elsewhere', {}, 'node-z'));
    const unscheduled = pod('unscheduled');
    delete (unscheduled.spec as any).nodeName;
    store.create(resources.pods, unscheduled);
    store.create(resources.pods, pod('mine'));
    await waitFor('mine running', () => get('mine')?.status.phase === 'Running');
    assert.equal(get('elsewhere').status.containerStatuses, undefined);
    assert.equal(get('unscheduled').status.containerStatuses, undefined);
  });

  it('runs init containers first (Completed), then the containers', async () => {
    const seen: any[] = [];
    const stop = store.subscribe((e) => e.object.metadata.name === 'withinit' && seen.push(e.object.status));
    store.create(resources.pods, pod('withinit', { initContainers: [{ name: 'setup', image: 'busybox' }] }));
    await waitFor('running', () => get('withinit')?.status.phase === 'Running');
    stop();
    const during = seen.find((st) => st?.initContainerStatuses?.[0].state.running);
    assert.ok(during, 'a status with the init container running');
    assert.equal(during.phase, 'Pending');
    const initialized = during.conditions.find((c: any) => c.type === 'Initialized');
    assert.equal(initialized.status, 'False');
    assert.equal(initialized.message, 'containers with incomplete status: [setup]');
    assert.equal(during.containerStatuses[0].state.waiting.reason, 'PodInitializing');
    await waitFor('running', () => get('withinit')?.status.phase === 'Running');
    const init = get('withinit').status.initContainerStatuses[0];
    assert.equal(init.state.terminated.reason, 'Completed');
    assert.equal(init.state.terminated.exitCode, 0);
    assert.equal(cond('withinit', 'Initialized').status, 'True');
  });

  it('crash: restartCount+1, lastState terminated, CrashLoopBackOff, then running again', async () => {
    store.create(resources.pods, pod('c1'));
    await waitFor('running', () => get('c1')?.status.phase === 'Running');
    const firstId = get('c1').status.containerStatuses[0].containerID;
    kubelet.faults.crash('ns1', 'c1', 'app', { reason: 'OOMKilled' });
    let c = get('c1').status.containerStatuses[0];
    assert.equal(c.restartCount, 1);
    assert.equal(c.ready, false);
    assert.equal(c.state.waiting.reason, 'CrashLoopBackOff');
    assert.match(c.state.waiting.message, /^back-off 10s restarting failed container=app pod=c1_ns1\(.+\)$/);
    assert.equal(c.lastState.terminated.reason, 'OOMKilled');
    assert.equal(c.lastState.terminated.exitCode, 137);
    assert.equal(c.lastState.terminated.containerID, firstId);
    assert.ok(c.lastState.terminated.startedAt && c.lastState.terminated.finishedAt);
    assert.equal(cond('c1', 'Ready').reason, 'ContainersNotReady');
    assert.equal(cond('c1', 'Ready').message, 'containers with unready status: [app]');
    assert.equal(get('c1').status.phase, 'Running');
    await waitFor('restarted', () => get('c1')?.status.containerStatuses[0].state.running);
    c = get('c1').status.containerStatuses[0];
    assert.equal(c.ready, true);
    assert.notEqual(c.containerID, firstId);
    assert.ok(events('c1').some((e) => e.reason === 'BackOff' && e.type === 'Warning'));
    assert.ok(
      store
        .list(resources.events, 'default')
        .some((e: any) => e.reason === 'OOMKilling' && e.involvedObject.kind === 'Node'),
    );
  });

  it('crashLoop keeps restarting until cleared; restartPolicy Never ends the pod instead', async () => {
    store.create(resources.pods, pod('loop'));
    await waitFor('running', () => get('loop')?.status.phase === 'Running');
    kubelet.faults.crashLoop('ns1', 'loop', 'app', 'Error');
    await waitFor('3 restarts', () => get('loop')?.status.containerStatuses[0].restartCount >= 3);
    kubelet.faults.clear('ns1', 'loop');
    await waitFor('settled', () => get('loop')?.status.containerStatuses[0].state.running);
    assert.equal(get('loop').status.containerStatuses[0].lastState.terminated.exitCode, 1);

    store.create(resources.pods, pod('once', { restartPolicy: 'Never' }));
    await waitFor('running', () => get('once')?.status.phase === 'Running');
    kubelet.faults.crash('ns1', 'once', 'app', { reason: 'Error', exitCode: 3 });
    const s = get('once').status;
    assert.equal(s.phase, 'Failed');
    assert.equal(s.containerStatuses[0].restartCount, 0);
    assert.equal(s.containerStatuses[0].state.terminated.exitCode, 3);
    assert.equal(cond('once', 'Ready').reason, 'PodFailed');
  });

  it('neverReady keeps a running pod unready until undone', async () => {
    store.create(resources.pods, pod('slow'));
    await waitFor('running', () => get('slow')?.status.phase === 'Running');
    kubelet.faults.neverReady('ns1', 'slow');
    assert.equal(cond('slow', 'Ready').status, 'False');
    assert.equal(get('slow').status.containerStatuses[0].ready, false);
    assert.ok(get('slow').status.containerStatuses[0].state.running);
    kubelet.faults.neverReady('ns1', 'slow', false);
    assert.equal(cond('slow', 'Ready').status, 'True');
  });

  it('evict: phase Failed, reason Evicted, DisruptionTarget', async () => {
    store.create(resources.pods, pod('ev'));
    await waitFor('running', () => get('ev')?.status.phase === 'Running');
    kubelet.faults.evict('ns1', 'ev');
    const s = get('ev').status;
    assert.equal(s.phase, 'Failed');
    assert.equal(s.reason, 'Evicted');
    assert.match(s.message, /^The node was low on resource: memory\./);
    assert.equal(s.conditions.find((c: any) => c.type === 'DisruptionTarget').reason, 'TerminationByKubelet');
    assert.equal(s.containerStatuses[0].state.terminated.reason, 'ContainerStatusUnknown');
    assert.ok(events('ev').some((e) => e.reason === 'Evicted' && e.type === 'Warning'));
  });

  it('activeDeadlineSeconds: Failed with DeadlineExceeded', async () => {
    store.create(resources.pods, pod('dl', { activeDeadlineSeconds: 20 }));
    await waitFor('deadline', () => get('dl')?.status.phase === 'Failed');
    const s = get('dl').status;
    assert.equal(s.reason, 'DeadlineExceeded');
    assert.equal(s.message, 'Pod was active on the node longer than the specified deadline');
    assert.ok(events('dl').some((e) => e.reason === 'DeadlineExceeded'));
  });

  it('graceful deletion: Killing events, then the pod object goes', async () => {
    store.create(resources.pods, pod('del'));
    await waitFor('running', () => get('del')?.status.phase === 'Running');
    const p = get('del');
    p.metadata.deletionTimestamp = new Date().toISOString();
    p.metadata.deletionGracePeriodSeconds = 30;
    store.update(resources.pods, p, { checkResourceVersion: false });
    await waitFor('deleted', () => !get('del'));
    assert.ok(events('del').some((e) => e.reason === 'Killing' && e.message === 'Stopping container app'));
  });

  it('faults name unknown pods plainly', () => {
    assert.throws(() => kubelet.faults.crash('ns1', 'nope'), /pod ns1\/nope is not running on this kubelet's nodes/);
  });
});

describe('sim kubelet: an injected crash through kubectl get -o json', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startEnv();
    await runningPod(env, 'crash-test', simplePod('victim'));
  });
  after(async () => env?.stop());

  for (const v of kubectlVersions) {
    it(`kubectl ${v} sees restartCount+1 and lastState OOMKilled`, async () => {
      const before = JSON.parse(
        (await env.kubectl(v, ['get', 'pod', 'victim', '-n', 'crash-test', '-o', 'json'])).stdout,
      );
      env.kubelet.faults.crash('crash-test', 'victim', undefined, { reason: 'OOMKilled' });
      const r = await env.kubectl(v, ['get', 'pod', 'victim', '-n', 'crash-test', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const c = JSON.parse(r.stdout).status.containerStatuses[0];
      assert.equal(c.restartCount, before.status.containerStatuses[0].restartCount + 1);
      assert.equal(c.lastState.terminated.reason, 'OOMKilled');
      assert.equal(c.lastState.terminated.exitCode, 137);
      await waitFor('running again', async () => {
        const again = JSON.parse(
          (await env.kubectl(v, ['get', 'pod', 'victim', '-n', 'crash-test', '-o', 'json'])).stdout,
        );
        return again.status.containerStatuses[0].ready;
      });
      const table = await env.kubectl(v, ['get', 'pod', 'victim', '-n', 'crash-test']);
      assert.match(table.stdout, /victim\s+1\/1\s+Running\s+\d+ \(\d+s ago\)/);
    });
  }
});
