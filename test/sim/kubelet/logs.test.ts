// `kubectl logs` against the simulated kubelet: current lines, --tail, --previous after a crash, the real
// error texts, and -f that ends when the container instance stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resources } from '../resources';
import { Store } from '../store';
import { Kubelet } from './index';
import { kubectlBinary, kubectlVersions } from '../../support/tools';
import { runningPod, simplePod, startEnv, statusOf, type TestEnv, waitFor } from './testkit';

const NS = 'logs-test';

describe('sim kubelet: logs', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startEnv();
  });
  after(async () => env?.stop());

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      const pod = `app-${v.replace(/\./g, '-')}`;
      before(async () => {
        await runningPod(env, NS, simplePod(pod, { containers: ['app', 'sidecar'] }));
      });

      it('prints the container log; --tail keeps the last lines; each container has its own log', async () => {
        env.kubelet.faults.log(NS, pod, 'app', 'listening on :8080');
        env.kubelet.faults.log(NS, pod, 'app', 'GET /healthz 200');
        const all = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'app']);
        assert.equal(all.code, 0, all.stderr);
        const lines = all.stdout.trim().split('\n');
        assert.match(lines[0], /container app started \(image docker\.io\/library\/busybox:1\.36/);
        assert.deepEqual(lines.slice(1), ['listening on :8080', 'GET /healthz 200']);
        const tail = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'app', '--tail=1']);
        assert.equal(tail.stdout, 'GET /healthz 200\n');
        const sidecar = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar']);
        assert.match(sidecar.stdout, /container sidecar started/);
        assert.doesNotMatch(sidecar.stdout, /healthz/);
      });

      it('--previous: the real error before a crash, the dead instance after it', async () => {
        const none = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'app', '--previous']);
        assert.equal(none.code, 1);
        assert.match(none.stderr, new RegExp(`previous terminated container "app" in pod "${pod}" not found`));
        const before = statusOf(env, NS, pod)!.containerStatuses![0].restartCount;
        env.kubelet.faults.crash(NS, pod, 'app', { reason: 'Error', exitCode: 2 });
        await waitFor('restarted', () => {
          const c = statusOf(env, NS, pod)!.containerStatuses![0];
          return c.restartCount === before + 1 && c.ready;
        });
        const prev = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'app', '-p']);
        assert.equal(prev.code, 0, prev.stderr);
        assert.match(prev.stdout, /GET \/healthz 200\n.*fatal: exiting with status 2\n$/);
        const current = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'app']);
        assert.doesNotMatch(current.stdout, /healthz/);
      });

      it('-f streams new lines and ends when the container stops', async () => {
        const child = spawn(kubectlBinary(v), ['logs', '-f', '-n', NS, pod, '-c', 'sidecar'], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: env.dir,
            KUBECONFIG: env.kubeconfig,
            KUBECACHEDIR: join(env.dir, `cache-${v}`),
          },
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        await waitFor('first lines', () => out.includes('container sidecar started'));
        env.kubelet.faults.log(NS, pod, 'sidecar', 'tick 1');
        await waitFor('streamed line', () => out.includes('tick 1\n'));
        env.kubelet.faults.crash(NS, pod, 'sidecar', { reason: 'OOMKilled' });
        assert.equal(await exited, 0);
        assert.match(out, /tick 1\nKilled\n$/);
      });
    });
  }

  it('a container that has not started yet: the waiting-to-start error', async () => {
    const store = new Store();
    const workDir = mkdtempSync(join(tmpdir(), 'kubelet-logs-'));
    const kubelet = new Kubelet({ store, resources, workDir, nodes: ['n1'], startDelayMs: 60_000 });
    kubelet.start();
    const server = createServer((_req, res) =>
      kubelet.logs({ namespace: 'ns1', pod: 'slow', follow: false, previous: false }, res),
    );
    try {
      store.create(resources.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'slow', namespace: 'ns1' },
        spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox' }] },
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.equal(res.status, 400);
      const body = (await res.json()) as { message: string; reason: string };
      assert.equal(body.reason, 'BadRequest');
      assert.equal(body.message, 'container "app" in pod "slow" is waiting to start: ContainerCreating');
    } finally {
      server.close();
      await kubelet.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
