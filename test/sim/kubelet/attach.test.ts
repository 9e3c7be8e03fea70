// `kubectl attach` (1.33 and 1.35) against the simulated kubelet: the container's main process output from the
// moment of attaching (its log, never replayed), stdin for containers with `stdin: true` (echoed line by line,
// so it is in the log too), input dropped for the others as containerd drops it, and the end of the session
// when the container stops.
import assert from 'node:assert/strict';
import type { V1Pod, V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { kubectlVersions } from '../../support/tools';
import { podWithStoppedSide, runningPod, simplePod, startEnv, statusOf, type TestEnv, waitFor } from './testkit';

const NS = 'attach-test';
/** The line the simulated main process prints when it crashes (lifecycle.ts). */
const FATAL = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ fatal: exiting with status 1\n`;

const withStdin = (name: string, extra: { stdinOnce?: boolean } = {}): V1Pod => {
  const pod = simplePod(name);
  Object.assign(pod.spec!.containers[0], { stdin: true, ...extra });
  return pod;
};

describe('sim kubelet: attach', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const attached = (pod: string, n = 1): Promise<boolean> =>
    waitFor(`${n} client(s) attached to ${pod}`, () => env.kubelet.liveAttaches(NS, pod) === n);

  before(async () => {
    env = await startEnv();
  });
  after(async () => env?.stop());

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      const tag = v.replace(/\./g, '-');

      it('streams the main process output from the moment of attaching and ends with it (exit 0)', async () => {
        const pod = `out-${tag}`;
        await runningPod(env, NS, simplePod(pod));
        env.kubelet.faults.log(NS, pod, 'app', 'before attaching');
        const r = env.kubectl(v, ['attach', '-n', NS, pod]);
        await attached(pod);
        env.kubelet.faults.log(NS, pod, 'app', 'first line');
        env.kubelet.faults.log(NS, pod, 'app', 'second line');
        env.kubelet.faults.crash(NS, pod, 'app');
        const done = await r;
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stdout, new RegExp(`^first line\\nsecond line\\n${FATAL}$`));
        assert.match(done.stderr, /If you don't see a command prompt, try pressing enter\./);
        assert.equal(env.kubelet.liveAttaches(NS, pod), 0);
      });

      it('-i on a container with stdin: true: the main process reads the lines (and echoes them into its log)', async () => {
        const pod = `in-${tag}`;
        await runningPod(env, NS, withStdin(pod));
        // kubectl closes stdin at EOF (v5.channel.k8s.io): without stdinOnce that detaches the client.
        const r = await env.kubectl(v, ['attach', '-i', '-n', NS, pod], { input: 'hello\nworld\n' });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'hello\nworld\n');
        const logs = await env.kubectl(v, ['logs', '-n', NS, pod]);
        assert.deepEqual(logs.stdout.trim().split('\n').slice(1), ['hello', 'world']);
        assert.ok(statusOf(env, NS, pod)?.containerStatuses?.[0].state.running, 'the main process keeps running');
      });

      it('-i on a container without stdin: the input goes nowhere and the session lasts until the container stops', async () => {
        const pod = `noin-${tag}`;
        await runningPod(env, NS, simplePod(pod));
        const r = env.kubectl(v, ['attach', '-i', '-n', NS, pod], { input: 'dropped\n' });
        await attached(pod);
        // Give the input (and kubectl's end of stdin) time to arrive: neither may end or reach the session.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(env.kubelet.liveAttaches(NS, pod), 1);
        env.kubelet.faults.log(NS, pod, 'app', 'still here');
        env.kubelet.faults.crash(NS, pod, 'app');
        const done = await r;
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stdout, new RegExp(`^still here\\n${FATAL}$`));
      });
    });
  }

  it('stdinOnce: the first client closing stdin closes the main process stdin; output keeps flowing', async () => {
    await runningPod(env, NS, withStdin('once', { stdinOnce: true }));
    const v = kubectlVersions[kubectlVersions.length - 1];
    const r = env.kubectl(v, ['attach', '-i', '-n', NS, 'once'], { input: 'only\n' });
    await attached('once');
    await waitFor('the line read from stdin', async () =>
      (await env.kubectl(v, ['logs', '-n', NS, 'once'])).stdout.includes('\nonly\n'),
    );
    assert.equal(env.kubelet.liveAttaches(NS, 'once'), 1, 'still attached after stdin closed');
    // A later client's input finds the pipe closed.
    const late = env.kubectl(v, ['attach', '-i', '-n', NS, 'once'], { input: 'late\n' });
    await attached('once', 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    env.kubelet.faults.crash(NS, 'once', 'app');
    const [done, second] = await Promise.all([r, late]);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^${FATAL}$`));
    assert.match(done.stdout, new RegExp(`^only\\n${FATAL}$`));
  });

  it('refuses a container that is not running, in-band as a modern API server does', async () => {
    await podWithStoppedSide(env, NS, 'pair');
    for (const v of kubectlVersions) {
      const r = await env.kubectl(v, ['attach', '-n', NS, 'pair', '-c', 'side']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /error: Internal error occurred: unable to upgrade connection: container side not found in pod pair_attach-test/,
      );
    }
  });

  it('answers a bad container or no stream at all with a 400 Status before upgrading', async () => {
    await runningPod(env, NS, simplePod('plain'));
    const refused = (query: Record<string, string>): Promise<{ status?: number; message: string }> => {
      const url = new URL(`${env.cluster.url}/api/v1/namespaces/${NS}/pods/plain/attach`);
      url.protocol = 'wss:';
      for (const [k, val] of Object.entries(query)) url.searchParams.set(k, val);
      const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
        headers: { Authorization: `Bearer ${env.cluster.tokens.admin}` },
        rejectUnauthorized: false,
      });
      return new Promise((resolve, reject) => {
        ws.on('open', () => reject(new Error('upgraded')));
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode, message: JSON.parse(body).message }));
        });
      });
    };
    assert.deepEqual(await refused({ container: 'nope', stdout: 'true' }), {
      status: 400,
      message: 'container nope is not valid for pod plain',
    });
    assert.deepEqual(await refused({ stdout: 'false', stderr: '0' }), {
      status: 400,
      message: 'you must specify at least 1 of stdin, stdout, stderr',
    });
  });

  it('a raw v4.channel.k8s.io client (stdout=True, as the Python client spells it) gets the output and the Success status', async () => {
    await runningPod(env, NS, simplePod('raw'));
    const url = new URL(`${env.cluster.url}/api/v1/namespaces/${NS}/pods/raw/attach`);
    url.protocol = 'wss:';
    url.searchParams.set('stdout', 'True');
    url.searchParams.set('stderr', 'False');
    const ws = new WebSocket(url, ['v4.channel.k8s.io'], {
      headers: { Authorization: `Bearer ${env.cluster.tokens.admin}` },
      rejectUnauthorized: false,
    });
    const got: Record<number, string> = {};
    ws.on('message', (d: Buffer) => (got[d[0]] = (got[d[0]] ?? '') + d.subarray(1).toString()));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await new Promise((resolve) => ws.on('open', resolve));
    await attached('raw');
    env.kubelet.faults.log(NS, 'raw', 'app', 'over v4');
    await env.core.deleteNamespacedPod({ namespace: NS, name: 'raw' });
    assert.equal(await closed, 1000);
    assert.equal(got[1], 'over v4\n');
    assert.equal((JSON.parse(got[3]) as V1Status).status, 'Success');
  });
});
