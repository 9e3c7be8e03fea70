// End to end: our chart installed by the real helm into the simulated cluster; names resolve through the CoreDNS
// sidecar's Corefile (names outside allowDomains get NXDOMAIN, logged by the sidecar), traffic from the sandbox is
// judged by the CiliumNetworkPolicies the chart rendered, and the drops appear in `hubble observe` on the agent of
// the pod's node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary, kubectlVersions } from '../../support/tools';
import { startEnv, type TestEnv, waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- objects are JSON */

const VALUES = `services:
  default:
    image: nicolaka/netshoot:v0.13
    command: ["tail", "-f", "/dev/null"]
  victim-google:
    image: nginx:1.27.0
    additionalDnsRecords: ["google.com"]
allowDomains: ["pypi.org"]
`;

describe('sim kubelet: traffic against our chart installed by helm', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let sandbox: any;

  before(async () => {
    env = await startEnv();
    const values = join(env.dir, 'values.yaml');
    writeFileSync(values, VALUES);
    const chart = join(__dirname, '..', '..', '..', 'chart');
    const code = await new Promise<number | null>((resolve) => {
      const helm = spawn(
        helmBinary('3.18.0'),
        ['install', 'r1', chart, '-n', 'sbx', '--create-namespace', '--wait', '--timeout', '90s', '-f', values],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: env.dir,
            KUBECONFIG: env.kubeconfig,
            HELM_CACHE_HOME: join(env.dir, 'helm-cache'),
            HELM_CONFIG_HOME: join(env.dir, 'helm-config'),
            HELM_DATA_HOME: join(env.dir, 'helm-data'),
          },
        },
      );
      helm.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      helm.on('close', resolve);
    });
    assert.equal(code, 0);
    sandbox = env.cluster.store
      .list(env.cluster.resources.pods, 'sbx')
      .find((p) => p.metadata.labels?.['inspect/service'] === 'default');
    assert.ok(sandbox, 'the default service pod');
  });
  after(async () => env?.stop());

  const send = (domain: string, port: number) =>
    env.kubelet.traffic.request({
      namespace: 'sbx',
      pod: sandbox.metadata.name,
      destination: { domain, port, protocol: 'TCP' },
    });

  it('allowDomains pass, CoreDNS records reach the release, an allowed name on another port is dropped', async () => {
    assert.equal((await send('pypi.org', 443)).verdict, 'FORWARDED');
    const google = await send('google.com', 80);
    assert.equal(google.verdict, 'FORWARDED');
    assert.match(google.destination.pod ?? '', /victim-google/);
    const denied = await send('pypi.org', 22);
    assert.equal(denied.verdict, 'DROPPED');
    assert.equal(denied.dropReason, 'POLICY_DENIED');
    assert.equal(denied.dns?.rcode, 'NOERROR');
  });

  it('a name outside allowDomains fails at DNS with NXDOMAIN from the sidecar (no SYN), and the sidecar logs it', async () => {
    const r = await send('api.openai.com', 443);
    assert.deepEqual(r.dns, { query: 'api.openai.com', rcode: 'NXDOMAIN', refusedBy: 'coredns-sidecar' });
    assert.equal(r.flows, 0, 'the lookup never left the pod: no Hubble flow');
    const logs = await waitFor('sidecar log line', async () => {
      const res = await env.kubectl(kubectlVersions[1], ['logs', '-n', 'sbx', sandbox.metadata.name, '-c', 'coredns']);
      return res.code === 0 && res.stdout.includes('api.openai.com.') && res.stdout;
    });
    assert.match(
      logs,
      /\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN api\.openai\.com\. udp \d+ false 1232" NXDOMAIN qr,aa,rd/,
    );
  });

  for (const v of kubectlVersions) {
    it(`kubectl ${v}: the drops show in hubble observe on the sandbox's node`, async () => {
      const node = sandbox.spec.nodeName;
      const agent = env.cluster.store
        .list(env.cluster.resources.pods, 'kube-system')
        .find((p) => p.metadata.labels?.['k8s-app'] === 'cilium' && (p.spec as any).nodeName === node)!;
      const domain = 'pypi.org';
      const port = v === kubectlVersions[0] ? 2201 : 2202;
      await send(domain, port);
      const r = await waitFor('drops listed', async () => {
        const res = await env.kubectl(v, [
          'exec',
          '-n',
          'kube-system',
          agent.metadata.name,
          '-c',
          'cilium-agent',
          '--',
          'hubble',
          'observe',
          '--verdict',
          'DROPPED',
          '--type',
          'drop',
          '--pod',
          `sbx/${sandbox.metadata.name}`,
          '-o',
          'jsonpb',
          '--last',
          '50',
        ]);
        return res.code === 0 && res.stdout.includes(`"destination_port":${port}`) && res;
      });
      const flows = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).flow);
      const blocked = flows.filter(
        (f) => f.destination_names?.includes(domain) && f.l4?.TCP?.destination_port === port,
      );
      assert.equal(blocked.length, 3, 'one drop per SYN attempt');
      for (const f of blocked) {
        assert.equal(f.source.pod_name, sandbox.metadata.name);
        assert.ok(f.source.labels.includes('k8s:app.kubernetes.io/instance=r1'));
        assert.deepEqual(f.source.workloads, [{ name: sandbox.metadata.ownerReferences[0].name, kind: 'StatefulSet' }]);
        assert.equal(f.node_name, node);
      }
    });
  }
});
