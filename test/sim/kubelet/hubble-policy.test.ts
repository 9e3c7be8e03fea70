// The CiliumNetworkPolicy evaluator and the hubble filter semantics, without a cluster; one case renders our
// chart with the real helm and evaluates the policies it produces.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../store';
import { helmBinary } from '../../support/tools';
import { type Endpoint, identityOf, worldEndpoint } from './hubble/endpoints';
import { accepts, FilterBuilder } from './hubble/filter';
import type { Flow } from './hubble/flows';
import { buildFlow, FlowBuffer, nowNs } from './hubble/flows';
import { hubbleProgram, parseObserve } from './hubble/observe';
import { evaluate, fqdnMatches } from './hubble/policy';

function pod(ns: string, name: string, labels: Record<string, string>): Endpoint {
  const sel = {
    ...labels,
    'io.kubernetes.pod.namespace': ns,
    'io.cilium.k8s.policy.cluster': 'default',
    'io.cilium.k8s.policy.serviceaccount': 'default',
  };
  const flowLabels = Object.entries(sel)
    .map(([k, v]) => `k8s:${k}=${v}`)
    .sort();
  return {
    kind: 'pod',
    ip: '10.244.0.9',
    identity: identityOf(flowLabels),
    labels: flowLabels,
    selectorLabels: sel,
    namespace: ns,
    podName: name,
    id: 101,
  };
}

const cnp = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace: ns, generation: 1 },
  spec,
});

const release = { 'app.kubernetes.io/instance': 'r1', 'app.kubernetes.io/name': 'k8s-sandbox' };
const agent = pod('ns1', 'r1-default-0', { ...release, 'inspect/service': 'default' });
const world = (ip = '52.1.2.3'): Endpoint => worldEndpoint(ip);

describe('sim kubelet: Cilium policy evaluation', () => {
  it('no selecting policy: allowed and not enforced (no policy verdicts)', () => {
    const v = evaluate(
      [cnp('ns1', 'other', { endpointSelector: { matchLabels: { app: 'x' } }, egress: [{}] })],
      agent,
      'egress',
      world(),
      443,
      'TCP',
      'example.org',
    );
    assert.deepEqual(v, { allowed: true, enforced: false, by: [] });
  });

  it('egress: [{}] is default deny; toFQDNs + toPorts allow exactly the name and port', () => {
    const pols = [
      cnp('ns1', 'deny', { endpointSelector: {}, egress: [{}] }),
      cnp('ns1', 'fqdn', {
        endpointSelector: { matchLabels: release },
        egress: [
          {
            toFQDNs: [{ matchPattern: '*.pypi.org' }, { matchName: 'pypi.org' }],
            toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
          },
        ],
      }),
    ];
    assert.equal(evaluate(pols, agent, 'egress', world(), 443, 'TCP', 'pypi.org').allowed, true);
    assert.equal(evaluate(pols, agent, 'egress', world(), 443, 'TCP', 'files.pypi.org').matchType, 2);
    const denied = evaluate(pols, agent, 'egress', world(), 443, 'TCP', 'evil.example');
    assert.deepEqual([denied.allowed, denied.enforced, denied.dropReason], [false, true, 133]);
    assert.equal(evaluate(pols, agent, 'egress', world(), 80, 'TCP', 'pypi.org').allowed, false);
    assert.equal(evaluate(pols, agent, 'egress', world(), 443, 'UDP', 'pypi.org').allowed, false);
    // An address without a name never matches toFQDNs.
    assert.equal(evaluate(pols, agent, 'egress', world(), 443, 'TCP').allowed, false);
  });

  it('toCIDR, toCIDRSet with except, toEntities world', () => {
    const pols = [
      cnp('ns1', 'cidr', {
        endpointSelector: { matchLabels: { 'k8s:app.kubernetes.io/instance': 'r1' } },
        egress: [
          { toCIDR: ['1.1.1.1/32'] },
          { toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }], toPorts: [{ ports: [{ port: '5432' }] }] },
        ],
      }),
    ];
    assert.equal(evaluate(pols, agent, 'egress', world('1.1.1.1'), 53, 'UDP').allowed, true);
    assert.equal(evaluate(pols, agent, 'egress', world('1.1.1.2'), 53, 'UDP').allowed, false);
    assert.equal(evaluate(pols, agent, 'egress', world('10.1.2.3'), 5432, 'TCP').allowed, true);
    assert.equal(evaluate(pols, agent, 'egress', world('10.9.2.3'), 5432, 'TCP').allowed, false);
    assert.equal(evaluate(pols, agent, 'egress', world('10.1.2.3'), 5433, 'TCP').allowed, false);
    const entity = [cnp('ns1', 'w', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] })];
    assert.equal(evaluate(entity, agent, 'egress', world(), 8080, 'TCP').allowed, true);
    assert.equal(evaluate(entity, agent, 'egress', pod('ns1', 'x', {}), 8080, 'TCP').allowed, false);
  });

  it('toEndpoints stay in the policy namespace unless the selector names one', () => {
    const pols = [
      cnp('ns1', 'peers', {
        endpointSelector: {},
        egress: [
          { toEndpoints: [{ matchLabels: release }] },
          {
            toEndpoints: [
              { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } },
            ],
            toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }],
          },
        ],
      }),
    ];
    assert.equal(evaluate(pols, agent, 'egress', pod('ns1', 'r1-db-0', release), 5432, 'TCP').matchType, 1);
    assert.equal(evaluate(pols, agent, 'egress', pod('ns2', 'r1-db-0', release), 5432, 'TCP').allowed, false);
    assert.equal(
      evaluate(pols, agent, 'egress', pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), 53, 'UDP').allowed,
      true,
    );
    assert.equal(
      evaluate(pols, agent, 'egress', pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }), 54, 'UDP').allowed,
      false,
    );
  });

  it('egressDeny wins over an allow: POLICY_DENY with the policy named', () => {
    const pols = [
      cnp('ns1', 'allow-world', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] }),
      cnp('ns1', 'no-metadata', { endpointSelector: {}, egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] }),
    ];
    const v = evaluate(pols, agent, 'egress', world('169.254.169.254'), 80, 'TCP');
    assert.equal(v.allowed, false);
    assert.equal(v.dropReason, 181);
    assert.equal(v.by[0].name, 'no-metadata');
    assert.equal(v.by[0].kind, 'CiliumNetworkPolicy');
  });

  it('ingress: [{}] denies ingress; fromEndpoints admits the release', () => {
    const pols = [
      cnp('ns1', 'deny-in', { endpointSelector: {}, ingress: [{}] }),
      cnp('ns1', 'in-release', {
        endpointSelector: { matchLabels: release },
        ingress: [{ fromEndpoints: [{ matchLabels: release }] }],
      }),
    ];
    assert.equal(evaluate(pols, agent, 'ingress', pod('ns1', 'r1-b-0', release), 80, 'TCP').allowed, true);
    assert.equal(evaluate(pols, agent, 'ingress', pod('ns1', 'intruder', { app: 'x' }), 80, 'TCP').allowed, false);
  });

  it('matchPattern: * matches any name, *. one label, **. any depth', () => {
    assert.ok(fqdnMatches({ matchPattern: '*' }, 'a.b.c'));
    assert.ok(fqdnMatches({ matchPattern: '*.example.com' }, 'api.example.com'));
    assert.ok(!fqdnMatches({ matchPattern: '*.example.com' }, 'a.b.example.com'));
    assert.ok(!fqdnMatches({ matchPattern: '*.example.com' }, 'example.com'));
    assert.ok(fqdnMatches({ matchPattern: '**.example.com' }, 'a.b.example.com'));
    assert.ok(fqdnMatches({ matchName: 'Example.COM.' }, 'example.com'));
  });

  it("our chart's policies (rendered by helm from fixture 05): allowDomains on 80/443, allowDomainsPorts, in-release traffic", function () {
    this.timeout(30_000);
    // The values of shared fixture 05 (allowDomains + allowDomainsPorts).
    const dir = mkdtempSync(join(tmpdir(), 'cnp-'));
    const values = join(dir, 'values.yaml');
    writeFileSync(
      values,
      'services:\n  default:\n    image: python:3.12-bookworm\nallowDomains: [pypi.org, github.com]\nallowDomainsPorts:\n  - port: 8008\n  - port: 22\n    domain: github.com\n',
    );
    const chart = join(__dirname, '..', '..', '..', 'chart');
    const out = execFileSync(helmBinary('3.18.0'), ['template', 'r1', chart, '-n', 'ns1', '-f', values], {
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true, force: true });
    const pols = parseAllDocuments(out)
      .map((d) => d.toJS() as KubeObject)
      .filter((o) => o?.kind === 'CiliumNetworkPolicy')
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'ns1' } }));
    assert.ok(pols.length > 0);
    const statefulSetPod = parseAllDocuments(out)
      .map((d) => d.toJS() as KubeObject)
      .find((o) => o?.kind === 'StatefulSet') as
      { spec: { template: { metadata: { labels: Record<string, string> } } } } | undefined;
    const me = pod('ns1', 'r1-default-0', statefulSetPod!.spec.template.metadata.labels);
    const allowed = (dest: Endpoint, port: number, proto: 'TCP' | 'UDP', name?: string): boolean =>
      evaluate(pols, me, 'egress', dest, port, proto, name).allowed;
    assert.ok(allowed(world(), 443, 'TCP', 'pypi.org'));
    assert.ok(allowed(world(), 80, 'TCP', 'github.com'));
    assert.ok(allowed(world(), 22, 'TCP', 'github.com'));
    assert.ok(!allowed(world(), 22, 'TCP', 'pypi.org'));
    assert.ok(allowed(world(), 8008, 'UDP', 'pypi.org'));
    assert.ok(!allowed(world(), 443, 'TCP', 'evil.example'));
    assert.ok(!allowed(world('8.8.8.8'), 53, 'UDP'));
    assert.ok(allowed(pod('ns1', 'r1-other-0', statefulSetPod!.spec.template.metadata.labels), 8080, 'TCP'));
  });
});

describe('sim kubelet: hubble observe filters', () => {
  const flow = (o: Partial<Flow> & Record<string, unknown>): Flow => ({
    time: '2026-01-01T00:00:00.000000000Z',
    verdict: 'DROPPED',
    IP: { source: '10.244.0.5', destination: '52.1.2.3', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000, destination_port: 443, flags: { SYN: true } } },
    source: {
      namespace: 'sbx',
      pod_name: 'r1-default-0',
      labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=sbx'],
      identity: 12345,
    },
    destination: { identity: 2, labels: ['reserved:world'] },
    event_type: { type: 1, sub_type: 133 },
    traffic_direction: 'EGRESS',
    drop_reason_desc: 'POLICY_DENIED',
    ...o,
  });
  const match = (args: string[], f: Flow): boolean => accepts(parseObserve(args).filters, f);

  it('--pod and --namespace match either side; values of one flag OR, flags AND', () => {
    assert.ok(match(['--pod', 'sbx/r1-'], flow({})));
    assert.ok(!match(['--pod', 'sbx/r2-'], flow({})));
    assert.ok(!match(['--pod', 'r1-'], flow({})), 'no namespace means default');
    assert.ok(match(['--namespace', 'other', '--namespace', 'sbx'], flow({})));
    assert.ok(match(['--namespace', 'sbx', '--verdict', 'DROPPED'], flow({})));
    assert.ok(!match(['--namespace', 'sbx', '--verdict', 'FORWARDED'], flow({})));
    assert.ok(match(['--to-namespace', 'sbx'], flow({ source: {}, destination: { namespace: 'sbx', pod_name: 'x' } })));
    assert.ok(
      !match(['--from-namespace', 'sbx'], flow({ source: {}, destination: { namespace: 'sbx', pod_name: 'x' } })),
    );
  });

  it('--label with and without a source; reserved:world; --type drop vs policy-verdict; --not', () => {
    assert.ok(match(['--label', 'app=web'], flow({})));
    assert.ok(match(['-l', 'k8s:app=web'], flow({})));
    assert.ok(!match(['--label', 'app=db'], flow({})));
    assert.ok(match(['--to-label', 'reserved:world'], flow({})));
    assert.ok(match(['--type', 'drop'], flow({})));
    assert.ok(!match(['-t', 'policy-verdict'], flow({})));
    assert.ok(match(['-t', 'drop:133'], flow({})));
    assert.ok(!match(['--not', '--type', 'drop'], flow({})));
    assert.ok(
      match(
        [
          '--drop-reason-desc',
          'POLICY_DENIED',
          '--traffic-direction',
          'egress',
          '--protocol',
          'tcp',
          '--to-port',
          '443',
        ],
        flow({}),
      ),
    );
  });

  it('defaults and flag errors as the CLI has them', () => {
    assert.equal(parseObserve([]).last, 20);
    assert.equal(parseObserve(['--follow']).last, undefined);
    assert.equal(parseObserve(['-o', 'jsonpb', '--last', '5']).last, 5);
    assert.throws(() => parseObserve(['--bogus']), /unknown flag: --bogus/);
    assert.throws(() => parseObserve(['--last', 'x']), /invalid argument "x" for "--last" flag/);
    assert.throws(() => parseObserve(['--first', '1', '--last', '1']), /cannot set both --first and --last/);
    assert.throws(() => parseObserve(['-o', 'yaml']), /invalid output format: yaml/);
    assert.throws(() => parseObserve(['--not']), /trailing --not/);
    assert.throws(() => parseObserve(['--since', 'yesterday-ish']), /failed to parse the since time/);
    const b = new FilterBuilder();
    b.add('verdict', 'DROPPED');
    assert.equal(b.build().allow.length, 1);
  });

  it('--since/--until/--first/--last select from the node buffer; jsonpb lines are GetFlowsResponses', async () => {
    const buffer = new FlowBuffer(3);
    const src = agent;
    for (let i = 0; i < 5; i++) {
      const ns = nowNs();
      buffer.add(
        buildFlow(
          {
            node: 'n1',
            nodeLabels: [],
            src,
            dst: world(),
            srcPort: 40000 + i,
            dstPort: 443,
            protocol: 'TCP',
            verdict: 'DROPPED',
            eventType: 1,
            subType: 133,
            direction: 'EGRESS',
            dropReason: 133,
          },
          ns,
        ),
        ns,
      );
    }
    const node = { name: 'n1', buffer, unavailable: () => undefined, onDown: () => () => undefined };
    const run = async (args: string[]): Promise<{ code: number; out: string }> => {
      let out = '';
      const io = {
        tty: false,
        signal: new AbortController().signal,
        stdout: async (t: string) => void (out += t),
        stderr: async (t: string) => void (out += t),
      };
      const code = await hubbleProgram(['observe', ...args], node)(io);
      return { code, out };
    };
    const ports = (out: string): number[] =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).flow.l4.TCP.source_port);
    assert.deepEqual(
      ports((await run(['-o', 'jsonpb'])).out),
      [40002, 40003, 40004],
      'the ring buffer keeps the newest 3',
    );
    assert.deepEqual(ports((await run(['-o', 'jsonpb', '--last', '1'])).out), [40004]);
    assert.deepEqual(ports((await run(['-o', 'jsonpb', '--first', '1'])).out), [40002]);
    assert.equal(ports((await run(['-o', 'jsonpb', '--since', '1h'])).out).length, 3);
    assert.equal((await run(['-o', 'jsonpb', '--until', '2001-01-01T00:00:00Z'])).out, '');
    const bad = await run(['--frobnicate']);
    assert.deepEqual([bad.code, bad.out], [1, 'unknown flag: --frobnicate\n']);
    const line = JSON.parse((await run(['-o', 'jsonpb', '--last', '1'])).out);
    assert.deepEqual(Object.keys(line), ['flow', 'node_name', 'time']);
  });
});
