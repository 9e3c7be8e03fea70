// Name lookups follow the release's network setup. On an agent-env-shaped release (its egress policy rendered
// here from agent-env-facts: DNS to kube-dns on 53/ANY with DNS rules for `*.<ns>.svc.cluster.local` and each
// allowDomains pattern, toFQDNs for allowDomains) Cilium's DNS proxy REFUSES other names at once and Hubble
// records an L7 DNS flow with verdict DROPPED; allowed names resolve to stable addresses; the Corefile evaluator
// follows CoreDNS's zone choice and plugin order.
import assert from 'node:assert/strict';
import { kubectlVersions } from '../../support/tools';
import { corednsAnswer, parseCorefile } from './hubble/dns';
import { runningPod, simplePod, startEnv, type TestEnv, waitFor } from './testkit';

/* eslint-disable @typescript-eslint/no-explicit-any -- objects are JSON */

const NS = 'aenv';
const RELEASE = 'k7x2m9qa';

/** agent-env's sandbox egress policy for allowDomains ["pypi.org", "*.github.com"]. */
function agentEnvEgress(): any {
  const allow = ['pypi.org', '*.github.com'];
  const pattern = (d: string) => (d.includes('*') ? { matchPattern: d } : { matchName: d });
  const dnsPeers = [
    { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } },
    { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'node-local-dns' } },
  ];
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: `agent-env-${RELEASE}-sandbox-egress`, namespace: NS },
    spec: {
      endpointSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'agent-env', 'app.kubernetes.io/instance': RELEASE },
      },
      egress: [
        {
          toEndpoints: dnsPeers,
          toPorts: [
            {
              ports: [{ port: '53', protocol: 'ANY' }],
              rules: { dns: [{ matchPattern: `*.${NS}.svc.cluster.local` }, ...allow.map(pattern)] },
            },
          ],
        },
        {
          toEndpoints: [
            { matchLabels: { 'app.kubernetes.io/name': 'agent-env', 'app.kubernetes.io/instance': RELEASE } },
          ],
        },
        { toFQDNs: allow.map(pattern), toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }], serverNames: allow }] },
      ],
    },
  };
}

describe('sim kubelet: DNS follows the release', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const pod = `agent-env-${RELEASE}-default-0`;

  before(async () => {
    env = await startEnv();
    await env.core.createNamespace({ body: { metadata: { name: NS } } });
    env.cluster.store.create(env.cluster.resources.ciliumnetworkpolicies, agentEnvEgress());
    await runningPod(
      env,
      NS,
      simplePod(pod, {
        labels: {
          'app.kubernetes.io/name': 'agent-env',
          'app.kubernetes.io/instance': RELEASE,
          'inspect/service': 'default',
        },
      }),
    );
  });
  after(async () => env?.stop());

  const send = (domain: string, port = 443) =>
    env.kubelet.traffic.request({ namespace: NS, pod, destination: { domain, port, protocol: 'TCP' } });

  it('a name outside the DNS rules is REFUSED by the proxy: no SYN, an L7 DNS flow DROPPED', async () => {
    const r = await send('api.openai.com');
    assert.deepEqual(r.dns, { query: 'api.openai.com', rcode: 'REFUSED', refusedBy: 'cilium-dns-proxy' });
    assert.equal(r.verdict, 'DROPPED');
    assert.equal(r.flows, 1, 'one L7 DNS record, no L3/L4 flow');
    const node = (env.cluster.store.get(env.cluster.resources.pods, NS, pod)!.spec as any).nodeName;
    const agent = env.cluster.store
      .list(env.cluster.resources.pods, 'kube-system')
      .find((p) => p.metadata.labels?.['k8s-app'] === 'cilium' && (p.spec as any).nodeName === node)!;
    const out = await waitFor('L7 flow', async () => {
      const res = await env.kubectl(kubectlVersions[1], [
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
        '--pod',
        `${NS}/${pod}`,
        '-o',
        'jsonpb',
        '--last',
        '20',
      ]);
      return res.code === 0 && res.stdout.includes('api.openai.com.') && res.stdout;
    });
    const flows = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).flow);
    const f = flows.find((x) => x.l7?.dns?.query === 'api.openai.com.');
    assert.ok(f, out);
    assert.equal(f.Type, 'L7');
    assert.equal(f.verdict, 'DROPPED');
    assert.equal(f.l7.dns.rcode, 5, 'REFUSED');
    assert.equal(f.l4.UDP.destination_port, 53);
    assert.equal(f.source.pod_name, pod);
    assert.ok(f.destination.labels.includes('k8s:k8s-app=kube-dns'));
    assert.equal(f.traffic_direction, 'EGRESS');
  });

  it('allowed names resolve to stable public addresses; an allowed name on another port is a SYN drop', async () => {
    const a = await send('pypi.org');
    assert.equal(a.verdict, 'FORWARDED');
    assert.equal(a.dns?.rcode, 'NOERROR');
    const again = await send('pypi.org');
    assert.equal(again.destination.ip, a.destination.ip);
    assert.match(a.destination.ip, /^\d+\.\d+\.\d+\.\d+$/);
    const sub = await send('api.github.com');
    assert.equal(sub.verdict, 'FORWARDED');
    const port = await send('pypi.org', 22);
    assert.equal(port.dns?.rcode, 'NOERROR');
    assert.equal(port.verdict, 'DROPPED');
    assert.equal(port.dropReason, 'POLICY_DENIED');
    assert.equal(port.flows, 6, 'policy-verdict + drop per SYN attempt (3)');
  });

  it('in-namespace service names pass the DNS rules (search path expansion)', async () => {
    const r = await send('web', 8080);
    assert.equal(r.dns?.rcode, 'NOERROR');
  });

  it('without DNS rules (no proxy) and without a sidecar every name resolves', async () => {
    await runningPod(env, 'plain', simplePod('free'));
    const r = await env.kubelet.traffic.request({
      namespace: 'plain',
      pod: 'free',
      destination: { domain: 'api.openai.com', port: 443, protocol: 'TCP' },
    });
    assert.equal(r.dns?.rcode, 'NOERROR');
    assert.equal(r.verdict, 'FORWARDED');
  });

  it('Corefile: the most specific zone answers; rewrite, template match/fallthrough and forward in plugin order', () => {
    const blocks = parseCorefile(`pypi.org:53 {
    bind 127.0.0.1
    log
    template ANY ANY pypi.org {
        match "^.+[.]pypi[.]org[.]$"
        rcode NXDOMAIN
        fallthrough
    }
    forward . /etc/resolv.conf
}
github.com:53 {
    errors
    template ANY ANY github.com {
        match "^github[.]com[.]$"
        rcode NXDOMAIN
        fallthrough
    }
    forward . /etc/resolv.conf
}
db.internal:53 {
    rewrite name exact db.internal r1-db.ns.svc.cluster.local
    forward . /etc/resolv.conf
}
.:53 {
    log
    template ANY ANY {
        rcode NXDOMAIN
    }
}`);
    assert.deepEqual(corednsAnswer(blocks, 'pypi.org'), { rcode: 'NOERROR', answerFor: 'pypi.org', logged: true });
    assert.equal(corednsAnswer(blocks, 'files.pypi.org').rcode, 'NXDOMAIN');
    assert.equal(corednsAnswer(blocks, 'api.github.com').rcode, 'NOERROR');
    assert.deepEqual(corednsAnswer(blocks, 'github.com'), {
      rcode: 'NXDOMAIN',
      answerFor: 'github.com',
      logged: false,
    });
    assert.deepEqual(corednsAnswer(blocks, 'db.internal'), {
      rcode: 'NOERROR',
      answerFor: 'r1-db.ns.svc.cluster.local',
      logged: false,
    });
    assert.deepEqual(corednsAnswer(blocks, 'evil.example'), {
      rcode: 'NXDOMAIN',
      answerFor: 'evil.example',
      logged: true,
    });
  });
});
