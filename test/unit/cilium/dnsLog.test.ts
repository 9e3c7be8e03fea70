// CoreDNS sidecar query-log lines (the log plugin's default format) → DNS refusal rows with the allowDomains edit.
import assert from 'node:assert/strict';
import { parseSidecarLine } from '../../../src/core/cilium/dnsLog';
import { DropModel } from '../../../src/core/cilium/model';
import { parseFlowLine } from '../../../src/core/cilium/parse';

const POD = { namespace: 'evals', pod: 'rel1-default-0', service: 'default', node: 'node-a' };
const LINE = '[INFO] 127.0.0.1:51472 - 30255 "A IN api.openai.com. udp 32 false 512" NXDOMAIN qr,aa,rd 107 0.000116s';

describe('cilium: DNS refusals from the CoreDNS sidecar log', () => {
  it('parses the kubelet-timestamped common log format; only refusals become rows', () => {
    const f = parseSidecarLine(`2026-12-04T15:00:00.123456789Z ${LINE}`, POD);
    assert.ok(f);
    assert.equal(f.time, '2026-12-04T15:00:00.123456789Z');
    assert.deepEqual(f.dns, { query: 'api.openai.com', qtypes: ['A'], rcode: 'NXDOMAIN', via: 'coredns' });
    assert.equal(f.source.pod, 'rel1-default-0');
    assert.equal(
      parseSidecarLine(`2026-12-04T15:00:00Z ${LINE.replace('NXDOMAIN', 'NOERROR')}`, POD),
      undefined,
      'an answered lookup is no row',
    );
    assert.equal(
      parseSidecarLine('2026-12-04T15:00:00Z [INFO] plugin/reload: Running configuration SHA512 = 1', POD),
      undefined,
    );
    assert.equal(parseSidecarLine('garbage "A IN x. udp" NXDOMAIN', POD), undefined);
    const now = new Date('2026-12-04T16:00:00.000Z');
    assert.equal(
      parseSidecarLine(LINE.replace('NXDOMAIN', 'REFUSED'), POD, () => now)?.time,
      now.toISOString(),
      'no kubelet timestamp: the arrival time',
    );
  });

  it('a refusal row names the query, the service that asked and the allowDomains edit; the summary joins it with drops to that name', () => {
    const m = new DropModel();
    m.add(parseSidecarLine(`2026-12-04T15:00:00Z ${LINE}`, POD)!);
    m.add(parseSidecarLine(`2026-12-04T15:00:00.5Z ${LINE.replace('"A IN', '"AAAA IN')}`, POD)!);
    const tcp = parseFlowLine(
      JSON.stringify({
        flow: {
          time: '2026-12-04T15:00:01Z',
          verdict: 'DROPPED',
          drop_reason_desc: 'POLICY_DENIED',
          traffic_direction: 'EGRESS',
          IP: { source: '10.0.0.5', destination: '203.0.113.7' },
          l4: { TCP: { source_port: 40000, destination_port: 8443, flags: { SYN: true } } },
          source: { namespace: 'evals', pod_name: 'rel1-default-0' },
          destination: { identity: 2, labels: ['reserved:world'] },
          destination_names: ['api.openai.com'],
        },
      }),
    );
    assert.equal(tcp.kind, 'flow');
    if (tcp.kind === 'flow') m.add(tcp.flow);
    const groups = m.groups();
    assert.equal(groups.length, 2, 'the A and AAAA lookups share a row');
    const dns = groups.find((g) => g.flow.dns)!;
    assert.equal(dns.count, 2);
    assert.equal(dns.explanation.kind, 'dns-refused');
    assert.deepEqual(dns.explanation.entry, { key: 'allowDomains', domain: 'api.openai.com' });
    assert.match(dns.explanation.text, /sidecar answered NXDOMAIN for api\.openai\.com.*Service default asked/s);
    const sum = m.summary();
    assert.equal(sum.length, 1, 'one destination name across both kinds');
    assert.equal(sum[0].destination, 'api.openai.com');
    assert.equal(sum[0].count, 3);
    assert.deepEqual([...sum[0].reasons].sort(), ['DNS_NXDOMAIN', 'POLICY_DENIED']);
  });
});
