import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { Flow } from '../../../src/core/cilium/flow';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { explainDrop, entryYaml, hostCidr, isDomain } from '../../../src/core/cilium/suggest';
import { sample } from './fixtures';

function flowOf(line: string): Flow {
  const r = parseFlowLine(line);
  if (r.kind !== 'flow') throw new Error('not a flow');
  return r.flow;
}

function egress(dest: object, l4: object, extra: object = {}): Flow {
  return flowOf(
    JSON.stringify({
      flow: {
        time: '2025-01-01T00:00:00Z',
        verdict: 'DROPPED',
        drop_reason_desc: 'POLICY_DENIED',
        traffic_direction: 'EGRESS',
        IP: { source: '10.0.0.5', destination: '203.0.113.9' },
        l4,
        source: { namespace: 'ns1', pod_name: 'rel1-default-0' },
        destination: dest,
        ...extra,
      },
    }),
  );
}

const tcp = (port: number) => ({ TCP: { source_port: 40000, destination_port: port, flags: { SYN: true } } });
const udp = (port: number) => ({ UDP: { source_port: 40000, destination_port: port } });
const world = { identity: 2, labels: ['reserved:world'] };

describe('cilium: drop explanation and values suggestion', () => {
  it('a name on 443 → allowDomains, and says the client hangs until its timeout', () => {
    const e = explainDrop(egress(world, tcp(443), { destination_names: ['api.openai.com'] }), {
      appTimeoutSeconds: 90,
    });
    assert.equal(e.kind, 'policy-egress');
    assert.deepEqual(e.entry, { key: 'allowDomains', domain: 'api.openai.com' });
    assert.match(e.text, /hangs until its own timeout \(this release's app timeout is 90 s\)/);
    assert.match(e.text, /allowDomains:\n {2}- api\.openai\.com/);
    assert.equal(e.warning, undefined);
  });

  it('a name on 80 (sample 06, destination_names) → allowDomains', () => {
    assert.deepEqual(explainDrop(flowOf(sample('06'))).entry, { key: 'allowDomains', domain: 'one.one.one.one' });
  });

  it('an fqdn: label without destination_names (trailing dot removed) → allowDomains', () => {
    const j = JSON.parse(sample('07'));
    delete j.flow.destination_names;
    assert.deepEqual(explainDrop(flowOf(JSON.stringify(j))).entry, { key: 'allowDomains', domain: 'one.one.one.one' });
  });

  it('a name on another port → allowDomainsPorts with its protocol', () => {
    assert.deepEqual(explainDrop(egress(world, tcp(22), { destination_names: ['github.com'] })).entry, {
      key: 'allowDomainsPorts',
      domain: 'github.com',
      port: 22,
      protocol: 'TCP',
    });
    assert.deepEqual(explainDrop(egress(world, udp(443), { destination_names: ['quic.example.org'] })).entry, {
      key: 'allowDomainsPorts',
      domain: 'quic.example.org',
      port: 443,
      protocol: 'UDP',
    });
  });

  it('a world IP without a name → allowCIDR /32 (and /128 for IPv6)', () => {
    assert.deepEqual(explainDrop(egress(world, tcp(443))).entry, { key: 'allowCIDR', cidr: '203.0.113.9/32' });
    const v6 = JSON.parse(JSON.stringify({ flow: { ...JSON.parse(sample('06')).flow, destination_names: [] } }));
    v6.flow.IP = { source: 'fd00::5', destination: '2606:4700:4700::1111', ipVersion: 'IPv6' };
    v6.flow.destination = { identity: 10, labels: ['reserved:world-ipv6'] };
    assert.deepEqual(explainDrop(flowOf(JSON.stringify(v6))).entry, {
      key: 'allowCIDR',
      cidr: '2606:4700:4700::1111/128',
    });
  });

  it('an entity (kube-apiserver, host) → allowEntities', () => {
    const api = egress({ identity: 7, labels: ['reserved:kube-apiserver', 'reserved:world'] }, tcp(6443));
    assert.deepEqual(explainDrop(api).entry, { key: 'allowEntities', entity: 'kube-apiserver' });
    const host = egress({ identity: 1 }, tcp(10250));
    assert.deepEqual(explainDrop(host).entry, { key: 'allowEntities', entity: 'host' });
  });

  it('a pod outside the release → allowEntities: cluster, with a warning that it is broad', () => {
    const e = explainDrop(flowOf(sample('05')));
    assert.deepEqual(e.entry, { key: 'allowEntities', entity: 'cluster' });
    assert.match(e.warning ?? '', /every pod in the cluster/);
  });

  it('a deny rule (POLICY_DENY) names the policy and offers no entry', () => {
    const e = explainDrop(flowOf(sample('04')));
    assert.equal(e.kind, 'policy-deny-rule');
    assert.equal(e.entry, undefined);
    assert.match(e.text, /net-lab\/deny-tg-to-echo/);
  });

  it('ingress to the release offers no entry', () => {
    const j = JSON.parse(sample('02'));
    const e = explainDrop(flowOf(JSON.stringify(j)), { releaseSide: 'destination' });
    assert.equal(e.kind, 'policy-ingress');
    assert.equal(e.entry, undefined);
  });

  it('a datapath drop (INVALID_SOURCE_IP) is explained by its reason text, no entry', () => {
    const e = explainDrop(flowOf(sample('01')));
    assert.equal(e.kind, 'datapath');
    assert.match(e.text, /Invalid source ip \(INVALID_SOURCE_IP\)/);
    assert.equal(e.entry, undefined);
  });

  it('never suggests a name that is not a DNS name', () => {
    const e = explainDrop(egress(world, tcp(443), { destination_names: ['bad name;rm -rf'] }));
    assert.deepEqual(e.entry, { key: 'allowCIDR', cidr: '203.0.113.9/32' });
    assert.equal(isDomain('a.b-c.io'), true);
    assert.equal(isDomain('-a.io'), false);
    assert.equal(hostCidr('300.1.1.1'), undefined);
  });

  it('entryYaml is valid YAML with the same keys the chart reads', () => {
    assert.deepEqual(parse(entryYaml({ key: 'allowDomainsPorts', domain: 'github.com', port: 22, protocol: 'TCP' })), {
      allowDomains: ['github.com'],
      allowDomainsPorts: [{ domain: 'github.com', port: 22, protocol: 'TCP' }],
    });
  });
});
