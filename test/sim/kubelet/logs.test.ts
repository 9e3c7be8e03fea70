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

      it('--timestamps: each line after the kubelet time (RFC3339NanoFixed) and a space; --since-time and --since leave older lines out', async () => {
        const before = Date.now();
        env.kubelet.faults.log(NS, pod, 'sidecar', 'stamped one');
        const after = Date.now();
        const r = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar', '--timestamps']);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.trimEnd().split('\n');
        const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (.*)$/;
        for (const l of lines) assert.match(l, STAMP);
        const stamps = lines.map((l) => STAMP.exec(l)![1]);
        assert.deepEqual([...stamps].sort(), stamps, 'in the order written');
        const one = lines.find((l) => l.endsWith(' stamped one'))!;
        const at = Date.parse(STAMP.exec(one)![1]);
        assert.ok(at >= before && at <= after, `${STAMP.exec(one)![1]} is when the line was written`);
        assert.equal(lines.filter((l) => l.endsWith(' stamped one')).length, 1);

        // The next second (a metav1.Time reaches the kubelet in whole seconds), then a later line.
        await waitFor('the next second', () => Math.floor(Date.now() / 1000) > Math.floor(after / 1000));
        env.kubelet.faults.log(NS, pod, 'sidecar', 'stamped two');
        const withTwo = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar', '--timestamps', '--tail=1']);
        const twoStamp = STAMP.exec(withTwo.stdout.trimEnd())![1];
        assert.equal(STAMP.exec(withTwo.stdout.trimEnd())![2], 'stamped two');
        const since = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar', `--since-time=${twoStamp}`]);
        assert.equal(since.code, 0, since.stderr);
        assert.equal(since.stdout, 'stamped two\n', 'from the start of its second: the earlier line is left out');

        await waitFor('two more seconds', () => Date.now() - Date.parse(twoStamp) > 2000);
        const recent = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar', '--since=1s']);
        assert.equal(recent.code, 0, recent.stderr);
        assert.doesNotMatch(recent.stdout, /stamped/);
        const hour = await env.kubectl(v, ['logs', '-n', NS, pod, '-c', 'sidecar', '--since=1h']);
        assert.match(hour.stdout, /stamped one\nstamped two\n$/);
        // The API server's PodLogOptions validation.
        const raw = (q: string) =>
          env.kubectl(v, ['get', '--raw', `/api/v1/namespaces/${NS}/pods/${pod}/log?container=sidecar&${q}`]);
        const both = await raw(`sinceSeconds=5&sinceTime=${twoStamp}`);
        assert.match(both.stderr, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
        const zero = await raw('sinceSeconds=0');
        assert.match(zero.stderr, /sinceSeconds: Invalid value: 0: must be greater than 0/);
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
      kubelet.logs({ namespace: 'ns1', pod: 'slow', follow: false, previous: false, timestamps: false }, res),
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
