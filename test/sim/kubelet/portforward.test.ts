// pods/portforward through the simulated cluster: the real kubectl 1.33 and 1.35 (WebSocket-tunnelled SPDY, and
// the plain SPDY upgrade it falls back to) and client-node's PortForward (v4.channel.k8s.io) carry TCP round
// trips to a real echo server standing for the pod's port; RBAC `create pods/portforward` is enforced.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import { kubectlBinary, kubectlVersions, type KubectlVersion } from '../../support/tools';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './testkit';

const NS = 'pf-test';

function echoServer(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((s) => {
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
    s.on('end', () => s.end());
    s.on('error', () => s.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port })),
  );
}

/** One TCP round trip through a local port: the reply to `msg`. */
function roundTrip(port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.length >= msg.length + 5) {
        s.end();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write(msg);
  });
}

interface Forward {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function kubectlForward(
  env: TestEnv,
  v: KubectlVersion,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<Forward> {
  const child = spawn(kubectlBinary(v), ['port-forward', '-n', NS, '--address', '127.0.0.1', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: env.dir,
      KUBECONFIG: env.kubeconfig,
      KUBECACHEDIR: `${env.dir}/cache-${v}`,
      ...extraEnv,
    },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stderr: () => err });
    });
    child.on('close', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${err}`)));
  });
}

describe('sim kubelet: port-forward', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let echo: { server: net.Server; port: number };
  const children: ChildProcess[] = [];

  before(async () => {
    env = await startEnv();
    echo = await echoServer();
    await runningPod(env, NS, simplePod('web'));
    env.kubelet.ports.bind(NS, 'web', 7000, echo.port);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    echo?.server.close();
    await env?.stop();
  });

  for (const v of kubectlVersions) {
    it(`kubectl ${v} port-forward (WebSocket tunnel) carries TCP round trips, several connections`, async () => {
      const before = env.kubelet.portForward.served.tunnel;
      const f = await kubectlForward(env, v, ['pod/web', ':7000']);
      children.push(f.child);
      assert.equal(await roundTrip(f.port, 'hello'), 'echo:hello');
      assert.equal(env.kubelet.portForward.served.tunnel, before + 1);
      const many = await Promise.all([1, 2, 3].map((i) => roundTrip(f.port, `n${i}`)));
      assert.deepEqual(many, ['echo:n1', 'echo:n2', 'echo:n3']);
      f.child.kill('SIGTERM');
    });

    it(`kubectl ${v} port-forward over plain SPDY (WebSockets disabled) also works`, async () => {
      const before = env.kubelet.portForward.served.spdy;
      const f = await kubectlForward(env, v, ['pod/web', ':7000'], { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
      children.push(f.child);
      assert.equal(await roundTrip(f.port, 'spdy'), 'echo:spdy');
      assert.equal(env.kubelet.portForward.served.spdy, before + 1);
      f.child.kill('SIGTERM');
    });

    it(`kubectl ${v}: a port nothing listens on reports the kubelet's error`, async () => {
      const f = await kubectlForward(env, v, ['pod/web', ':7001']);
      children.push(f.child);
      await roundTrip(f.port, 'x').catch(() => '');
      await waitFor('error text', () => /connection refused/.test(f.stderr()));
      f.child.kill('SIGTERM');
    });
  }

  it('client-node PortForward (v4.channel.k8s.io) carries a round trip', async () => {
    const pf = new PortForward(env.kc);
    const input = new PassThrough();
    let got = '';
    const output = new Writable({
      write(chunk: Buffer, _e, cb) {
        got += chunk.toString();
        cb();
      },
    });
    const ws = (await pf.portForward(NS, 'web', [7000], output, null, input)) as { close(): void };
    input.write('client-node');
    await waitFor('echo', () => got === 'echo:client-node');
    assert.equal(env.kubelet.portForward.served.channel, 1);
    ws.close();
  });

  it('the pod going away ends forwarded connections', async () => {
    await runningPod(env, NS, simplePod('gone'));
    env.kubelet.ports.bind(NS, 'gone', 7000, echo.port);
    const f = await kubectlForward(env, kubectlVersions[1], ['pod/gone', ':7000']);
    children.push(f.child);
    const s = net.connect({ host: '127.0.0.1', port: f.port });
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write('a');
    await new Promise<void>((r) => s.once('data', () => r()));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await env.core.deleteNamespacedPod({ namespace: NS, name: 'gone', gracePeriodSeconds: 0 });
    await closed;
    f.child.kill('SIGTERM');
  });

  it('RBAC: the restricted user cannot port-forward outside its namespace (create pods/portforward)', async () => {
    const kc = env.cluster.writeKubeconfig(`${env.dir}/restricted`, { user: 'restricted' });
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(kubectlBinary(kubectlVersions[1]), ['port-forward', '-n', NS, 'pod/web', ':7000'], {
        env: { PATH: process.env.PATH ?? '', HOME: env.dir, KUBECONFIG: kc },
      });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('close', (code) => resolve({ code, err }));
    });
    assert.notEqual(r.code, 0);
    assert.match(r.err, /forbidden/i);
  });
});
