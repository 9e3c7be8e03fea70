// Image pulls and sandbox creation that fail as on a real node: reserved registry hosts and images marked missing
// wait in ErrImagePull / ImagePullBackOff with the kubelet's Warning events and never turn Ready; a RuntimeClass
// whose handler the runtime lacks leaves the pod ContainerCreating with FailedCreatePodSandBox.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resources } from '../resources';
import { type KubeObject, Store } from '../store';
import { Kubelet } from './index';
import { pullFailure, registryHost } from './pulls';
import { waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod status is loosely typed JSON */

function pod(name: string, image: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns1' },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image }], ...spec },
    status: { phase: 'Pending', qosClass: 'Guaranteed' },
  };
}

describe('sim kubelet: failing image pulls and runtime handlers', function () {
  this.timeout(20_000);
  let store: Store;
  let kubelet: Kubelet;
  let workDir: string;
  const get = (name: string): any => store.get(resources.pods, 'ns1', name);
  const warnings = (name: string): Array<{ reason: string; message: string }> =>
    store
      .list(resources.events, 'ns1')
      .filter((e: any) => e.involvedObject.name === name && e.type === 'Warning') as any;

  beforeEach(() => {
    store = new Store();
    workDir = mkdtempSync(join(tmpdir(), 'kubelet-pulls-'));
    store.create(resources.runtimeclasses, {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'kata' },
      handler: 'kata-qemu',
    });
    kubelet = new Kubelet({
      store,
      resources,
      workDir,
      nodes: ['node-a'],
      startDelayMs: 20,
      backoffMs: 40,
      graceCapMs: 100,
      crashLoopRunMs: 40,
    });
    kubelet.start();
  });
  afterEach(async () => {
    await kubelet.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('knows which registry hosts cannot exist', () => {
    assert.equal(registryHost('python:3.12'), 'docker.io');
    assert.equal(registryHost('registry.invalid:5000/agent:1'), 'registry.invalid');
    for (const image of ['registry.invalid/a:1', 'x.example/a', 'images.test/b:2', 'foo.localhost:5000/c'])
      assert.ok(pullFailure(image, new Set()), image);
    assert.equal(pullFailure('ghcr.io/org/agent:1', new Set()), undefined);
    assert.match(pullFailure('ghcr.io/org/agent:1', new Set(['ghcr.io/org/agent:1'])) ?? '', /not found/);
  });

  it('a reserved registry host: ErrImagePull, then ImagePullBackOff, Pending and never Ready', async () => {
    store.create(resources.pods, pod('bad', 'registry.invalid/agent:1'));
    await waitFor(
      'ErrImagePull',
      () => get('bad')?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull',
    );
    await waitFor(
      'ImagePullBackOff',
      () => get('bad')?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
    );
    const s = get('bad').status;
    assert.equal(s.phase, 'Pending');
    assert.equal(s.containerStatuses[0].ready, false);
    assert.equal(s.conditions.find((c: any) => c.type === 'Ready').status, 'False');
    const w = warnings('bad');
    assert.ok(
      w.some(
        (e) =>
          e.reason === 'Failed' && /^Failed to pull image "registry\.invalid\/agent:1": .*no such host/.test(e.message),
      ),
      JSON.stringify(w),
    );
    assert.ok(w.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
    assert.ok(w.some((e) => e.reason === 'Failed' && e.message === 'Error: ImagePullBackOff'));
    const backoff = store
      .list(resources.events, 'ns1')
      .find((e: any) => e.reason === 'BackOff' && e.involvedObject.name === 'bad') as any;
    assert.equal(backoff?.message, 'Back-off pulling image "registry.invalid/agent:1"');
    // It keeps retrying (count grows) and never runs.
    await waitFor(
      'another attempt',
      () => (warnings('bad').find((e: any) => e.message === 'Error: ErrImagePull') as any)?.count >= 2,
    );
    assert.equal(get('bad').status.containerStatuses[0].state.running, undefined);
  });

  it('an image marked missing fails until it exists, then the pod runs', async () => {
    kubelet.faults.missingImage('ghcr.io/org/agent:1');
    store.create(resources.pods, pod('m', 'ghcr.io/org/agent:1'));
    await waitFor(
      'ErrImagePull',
      () => get('m')?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull',
    );
    assert.ok(warnings('m').some((e) => /not found/.test(e.message)));
    kubelet.faults.missingImage('ghcr.io/org/agent:1', false);
    await waitFor(
      'running',
      () => get('m')?.status.phase === 'Running' && get('m').status.containerStatuses[0].ready === true,
    );
  });

  it('a RuntimeClass whose handler the runtime lacks: FailedCreatePodSandBox, ContainerCreating', async () => {
    store.create(resources.pods, pod('k', 'python:3.12', { runtimeClassName: 'kata' }));
    await waitFor('the event', () => warnings('k').some((e) => e.reason === 'FailedCreatePodSandBox'));
    const e = warnings('k').find((x) => x.reason === 'FailedCreatePodSandBox')!;
    assert.equal(
      e.message,
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "kata-qemu" is configured',
    );
    const s = get('k').status;
    assert.equal(s.phase, 'Pending');
    assert.equal(s.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
  });
});
