// hubble-relay in the simulated cluster: the Deployment + Service Cilium's chart installs, its Observer gRPC API
// reached through a port-forward to the relay pod (the real kubectl 1.33/1.35, and client-node's PortForward),
// serving the same flows as `hubble observe` in the agents, with server-side filters, follow and since.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { observerService } from '../../../src/core/cilium/relay/proto';
import { LocalForward } from '../../../src/core/cilium/relay/forward';
import type net from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { kubectlBinary, kubectlVersions, type KubectlVersion } from '../../support/tools';
import { startCluster } from '../cluster';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- gRPC messages are plain objects */

type Obj = Record<string, any>;
const NS = 'relay-test';

function client(port: number): grpc.Client & Obj {
  const Observer = observerService();
  return new Observer(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as any;
}

const unary = (c: Obj, method: string, req: Obj = {}): Promise<Obj> =>
  new Promise((resolve, reject) => c[method](req, (err: Error | null, res: Obj) => (err ? reject(err) : resolve(res))));

function flows(c: Obj, req: Obj): Promise<Obj[]> {
  return new Promise((resolve, reject) => {
    const out: Obj[] = [];
    const call = c.GetFlows(req);
    call.on('data', (d: Obj) => out.push(d));
    call.on('end', () => resolve(out));
    call.on('error', reject);
  });
}

function kubectlForward(
  env: TestEnv,
  v: KubectlVersion,
  ns: string,
  target: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(kubectlBinary(v), ['port-forward', '-n', ns, '--address', '127.0.0.1', target, ':4245'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: env.dir,
      KUBECONFIG: env.kubeconfig,
      KUBECACHEDIR: `${env.dir}/cache-${v}`,
    },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('close', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${err}`)));
  });
}

/**
 * One client-node PortForward per local connection. The kubelet's first frame on the error channel is the port
 * number only (client-node strips it and hands on an empty chunk): only real error text ends the connection.
 */
const kubeForward =
  (kc: KubeConfig, ns: string, pod: string, port: number) =>
  async (socket: net.Socket): Promise<void> => {
    const err = new Writable({
      write(chunk: Buffer, _e, cb) {
        if (chunk.length) socket.destroy(new Error(chunk.toString()));
        cb();
      },
    });
    const ws = (await new PortForward(kc, true).portForward(ns, pod, [port], socket, err, socket)) as {
      on(ev: string, f: () => void): void;
      close(): void;
    };
    ws.on('close', () => socket.destroy());
    socket.on('close', () => ws.close());
  };

const relayPod = async (env: TestEnv, ns = 'kube-system'): Promise<string> =>
  waitFor('relay pod running', () => {
    const p = env.cluster.store
      .list(env.cluster.resources.pods, ns)
      .find((x) => x.metadata.labels?.['k8s-app'] === 'hubble-relay' && (x.status as any)?.phase === 'Running');
    return p?.metadata.name;
  });

describe('sim: hubble-relay over port-forward', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const children: ChildProcess[] = [];
  const send = (pod: string, domain: string, port: number) =>
    env.kubelet.traffic.request({ namespace: NS, pod, destination: { domain, port, protocol: 'TCP' } });

  before(async () => {
    env = await startEnv();
    await env.core.createNamespace({ body: { metadata: { name: NS } } });
    // Egress only to pypi.org:443 for the `agent` pods.
    env.cluster.store.create(env.cluster.resources.ciliumnetworkpolicies, {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'egress', namespace: NS },
      spec: {
        endpointSelector: { matchLabels: { role: 'agent' } },
        egress: [{ toFQDNs: [{ matchName: 'pypi.org' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
      },
    });
    await runningPod(env, NS, simplePod('agent-a', { labels: { role: 'agent' } }));
    await runningPod(env, NS, simplePod('other-b', { labels: { role: 'agent' } }));
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await env?.stop();
  });

  it('is installed as Cilium does: Deployment + Service hubble-relay (80 → grpc 4245), pods k8s-app=hubble-relay', async () => {
    const svc = env.cluster.store.get(env.cluster.resources.services, 'kube-system', 'hubble-relay') as any;
    assert.deepEqual(
      svc.spec.ports.map((p: Obj) => [p.port, p.targetPort]),
      [[80, 'grpc']],
    );
    assert.deepEqual(svc.spec.selector, { 'k8s-app': 'hubble-relay' });
    assert.ok(env.cluster.store.get(env.cluster.resources.deployments, 'kube-system', 'hubble-relay'));
    await relayPod(env);
  });

  for (const v of kubectlVersions) {
    it(`kubectl ${v} port-forward to the relay pod: ServerStatus, GetNodes and filtered GetFlows`, async () => {
      const pod = await relayPod(env);
      const f = await kubectlForward(env, v, 'kube-system', `pod/${pod}`);
      children.push(f.child);
      const c = client(f.port);
      await send('agent-a', 'pypi.org', 22); // dropped: 3 SYNs × (policy-verdict + drop)
      await send('other-b', 'pypi.org', 22);
      await send('agent-a', 'pypi.org', 443); // forwarded
      const status = await unary(c, 'ServerStatus');
      assert.equal(status.num_connected_nodes.value, 2);
      assert.equal(status.num_unavailable_nodes.value, 0);
      assert.ok(Number(status.seen_flows) >= 14, JSON.stringify(status));
      assert.equal(status.version, '1.18.3');
      const nodes = await unary(c, 'GetNodes');
      assert.deepEqual(nodes.nodes.map((n: Obj) => [n.name, n.state]).sort(), [
        ['sim-node-1', 'NODE_CONNECTED'],
        ['sim-node-2', 'NODE_CONNECTED'],
      ]);
      const got = await flows(c, {
        number: 1000,
        whitelist: [{ source_pod: [`${NS}/agent-`], verdict: ['DROPPED'], event_type: [{ type: 1 }] }],
      });
      assert.ok(got.length >= 3, `drops of agent-a: ${got.length}`);
      for (const r of got) {
        assert.equal(r.flow.source.pod_name, 'agent-a');
        assert.equal(r.flow.verdict, 'DROPPED');
        assert.equal(r.flow.drop_reason_desc, 'POLICY_DENIED');
        assert.equal(r.flow.l4.TCP.destination_port, 22);
        assert.ok(r.flow.destination_names.includes('pypi.org'));
        assert.ok(Number(r.time.seconds) > 1_700_000_000);
      }
      const excluded = await flows(c, {
        number: 1000,
        whitelist: [{ source_pod: [`${NS}/`] }],
        blacklist: [{ verdict: ['DROPPED'] }],
      });
      assert.ok(excluded.length > 0 && excluded.every((r) => r.flow.verdict === 'FORWARDED'));
      c.close();
      f.child.kill('SIGTERM');
    });
  }

  it('client-node PortForward: follow streams new flows; since replays from a time without the older ones', async () => {
    const pod = await relayPod(env);
    const lf = await LocalForward.open(kubeForward(env.kc, 'kube-system', pod, 4245));
    const c = client(lf.port);
    const seen: Obj[] = [];
    const call = c.GetFlows({
      follow: true,
      whitelist: [{ source_pod: [`${NS}/agent-a`], destination_port: ['2222'] }],
    });
    call.on('data', (d: Obj) => seen.push(d));
    call.on('error', () => undefined);
    await waitFor('the follower registered on the relay', () => env.kubelet.relay.openCalls > 0);
    const mark = Date.now();
    await send('agent-a', 'pypi.org', 2222);
    await waitFor('followed drops', () => seen.length >= 6);
    call.cancel();
    const since = { seconds: String(Math.floor(mark / 1000) - 1), nanos: 0 };
    const replay = await flows(c, {
      since,
      whitelist: [{ source_pod: [`${NS}/agent-a`], destination_port: ['2222'] }],
    });
    assert.deepEqual(replay.map((r) => r.flow.uuid).sort(), seen.map((r) => r.flow.uuid).sort());
    const later = await flows(c, {
      since: { seconds: String(Math.floor(Date.now() / 1000) + 5), nanos: 0 },
      whitelist: [{ source_pod: [`${NS}/agent-a`] }],
    });
    assert.equal(later.length, 0);
    c.close();
    lf.close();
  });

  it('refused DNS names arrive as L7 flows (dns_query filter)', async () => {
    env.cluster.store.create(env.cluster.resources.ciliumnetworkpolicies, {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'dns', namespace: NS },
      spec: {
        endpointSelector: { matchLabels: { role: 'agent' } },
        egress: [
          {
            toEndpoints: [
              { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } },
            ],
            toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchName: 'pypi.org' }] } }],
          },
        ],
      },
    });
    const r = await send('agent-a', 'api.openai.com', 443);
    assert.equal(r.dns?.rcode, 'REFUSED');
    const pod = await relayPod(env);
    const lf = await LocalForward.open(kubeForward(env.kc, 'kube-system', pod, 4245));
    const c = client(lf.port);
    const got = await flows(c, { number: 10, whitelist: [{ source_pod: [`${NS}/agent-a`], dns_query: ['openai'] }] });
    assert.equal(got.length, 1);
    assert.equal(got[0].flow.Type, 'L7');
    assert.equal(got[0].flow.verdict, 'DROPPED');
    assert.equal(got[0].flow.l7.dns.query, 'api.openai.com.');
    assert.equal(got[0].flow.l7.dns.rcode, 5);
    c.close();
    lf.close();
    env.cluster.store.delete(env.cluster.resources.ciliumnetworkpolicies, NS, 'dns');
  });

  it('the relay user: port-forward to the relay works, exec into the agents and other kube-system pods is forbidden', async () => {
    const kc = env.cluster.writeKubeconfig(`${env.dir}/relay-user`, { user: 'relay' });
    const pod = await relayPod(env);
    const k = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = spawn(kubectlBinary(kubectlVersions[1]), args, {
          env: { PATH: process.env.PATH ?? '', HOME: env.dir, KUBECONFIG: kc },
        });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('close', (code) => resolve({ code, out, err }));
      });
    assert.equal(
      (await k(['auth', 'can-i', 'create', 'pods', '--subresource=portforward', '-n', 'kube-system'])).out.trim(),
      'yes',
    );
    assert.equal(
      (await k(['auth', 'can-i', 'create', 'pods', '--subresource=exec', '-n', 'kube-system'])).out.trim(),
      'no',
    );
    const agent = env.cluster.store
      .list(env.cluster.resources.pods, 'kube-system')
      .find((p) => p.metadata.labels?.['k8s-app'] === 'cilium')!;
    const ex = await k([
      'exec',
      '-n',
      'kube-system',
      agent.metadata.name,
      '-c',
      'cilium-agent',
      '--',
      'hubble',
      'status',
    ]);
    assert.notEqual(ex.code, 0);
    assert.match(ex.err, /forbidden: User "sim-relay-viewer" cannot create resource "pods\/exec"/);
    const child = spawn(
      kubectlBinary(kubectlVersions[1]),
      ['port-forward', '-n', 'kube-system', '--address', '127.0.0.1', `pod/${pod}`, ':4245'],
      { env: { PATH: process.env.PATH ?? '', HOME: env.dir, KUBECONFIG: kc } },
    );
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('close', () => reject(new Error('port-forward ended')));
    });
    const c = client(port);
    assert.equal((await unary(c, 'ServerStatus')).num_connected_nodes.value, 2);
    c.close();
    child.kill('SIGTERM');
  });

  it('an unavailable agent shows in ServerStatus', async () => {
    const pod = await relayPod(env);
    const lf = await LocalForward.open(kubeForward(env.kc, 'kube-system', pod, 4245));
    const c = client(lf.port);
    env.kubelet.faults.stopAgent('sim-node-2');
    const status = await unary(c, 'ServerStatus');
    assert.equal(status.num_unavailable_nodes.value, 1);
    assert.deepEqual(status.unavailable_nodes, ['sim-node-2']);
    env.kubelet.faults.startAgent('sim-node-2');
    c.close();
    lf.close();
  });
});

describe('sim: Cilium in the `cilium` namespace', function () {
  this.timeout(60_000);
  it('puts the agents and hubble-relay there', async () => {
    const c = await startCluster({ ciliumNamespace: 'cilium' });
    try {
      await waitFor('relay + agents in cilium', () => {
        const pods = c.store.list(c.resources.pods, 'cilium');
        return (
          pods.some((p) => p.metadata.labels?.['k8s-app'] === 'hubble-relay') &&
          pods.filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium').length === 2
        );
      });
      assert.equal(
        c.store
          .list(c.resources.pods, 'kube-system')
          .filter((p) => /cilium|hubble/.test(p.metadata.labels?.['k8s-app'] ?? '')).length,
        0,
      );
      assert.ok(c.store.get(c.resources.services, 'cilium', 'hubble-relay'));
    } finally {
      await c.stop();
    }
  });
});
