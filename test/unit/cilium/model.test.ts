import assert from 'node:assert/strict';
import { Flow } from '../../../src/core/cilium/flow';
import { DropModel, entryId, groupKey } from '../../../src/core/cilium/model';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { ReleaseScope, releaseFilter, releasePods } from '../../../src/core/cilium/release';
import { RingBuffer } from '../../../src/core/cilium/ring';
import { sample, sampleLines, sampleFiles } from './fixtures';

function flowOf(line: string): Flow {
  const r = parseFlowLine(line);
  if (r.kind !== 'flow') throw new Error('not a flow');
  return r.flow;
}

/** A drop from a release pod to a destination, as the sim or a real agent would print it. */
function drop(opts: {
  time: string;
  srcPort: number;
  dst?: string;
  dstPort?: number;
  pod?: string;
  names?: string[];
  flags?: Record<string, boolean>;
  node?: string;
}): Flow {
  return flowOf(
    JSON.stringify({
      flow: {
        time: opts.time,
        verdict: 'DROPPED',
        drop_reason: 133,
        IP: { source: '10.0.0.5', destination: opts.dst ?? '93.184.216.34', ipVersion: 'IPv4' },
        l4: {
          TCP: { source_port: opts.srcPort, destination_port: opts.dstPort ?? 443, flags: opts.flags ?? { SYN: true } },
        },
        source: {
          namespace: 'ns1',
          pod_name: opts.pod ?? 'rel1-default-0',
          labels: ['k8s:app.kubernetes.io/instance=rel1'],
        },
        destination: { identity: 2, labels: ['reserved:world'] },
        destination_names: opts.names ?? ['example.com'],
        traffic_direction: 'EGRESS',
        node_name: opts.node ?? 'node-a',
        drop_reason_desc: 'POLICY_DENIED',
      },
      node_name: opts.node ?? 'node-a',
      time: opts.time,
    }),
  );
}

const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + s * 1000).toISOString();

describe('cilium: ring buffer', () => {
  it('keeps the newest items and reports the evicted one', () => {
    const r = new RingBuffer<number>(3);
    assert.equal(r.push(1), undefined);
    r.push(2);
    r.push(3);
    assert.equal(r.push(4), 1);
    assert.equal(r.push(5), 2);
    assert.deepEqual(r.toArray(), [3, 4, 5]);
    assert.equal(r.evicted, 2);
    r.clear();
    assert.deepEqual([r.size, r.toArray()], [0, []]);
    assert.throws(() => new RingBuffer(0), RangeError);
  });
});

describe('cilium: release filtering', () => {
  const pods = releasePods(
    [
      {
        metadata: { name: 'rel1-default-0', namespace: 'ns1', labels: { 'app.kubernetes.io/instance': 'rel1' } },
        spec: { nodeName: 'node-a' },
        status: { podIP: '10.0.0.5' },
      },
      {
        metadata: { name: 'rel1-web-0', namespace: 'ns1', labels: { 'app.kubernetes.io/instance': 'rel1' } },
        spec: { nodeName: 'node-b' },
        status: { podIP: '10.0.1.7' },
      },
      {
        metadata: { name: 'rel2-default-0', namespace: 'ns1', labels: { 'app.kubernetes.io/instance': 'rel2' } },
        spec: { nodeName: 'node-a' },
      },
      { metadata: { name: 'rel1-default-0', namespace: 'other', labels: { 'app.kubernetes.io/instance': 'rel1' } } },
    ],
    'ns1',
    'rel1',
  );
  const scope: ReleaseScope = { namespace: 'ns1', release: 'rel1', pods };

  it('selects the release pods by instance label and namespace', () => {
    assert.deepEqual(
      pods.map((p) => [p.name, p.node, p.ip]),
      [
        ['rel1-default-0', 'node-a', '10.0.0.5'],
        ['rel1-web-0', 'node-b', '10.0.1.7'],
      ],
    );
  });

  it('keeps flows from or to a release pod and drops the rest', () => {
    const accept = releaseFilter(scope);
    assert.equal(accept(drop({ time: t(0), srcPort: 1 })), true);
    const otherRelease = flowOf(sample('05'));
    assert.equal(accept(otherRelease), false);
    // Same pod name in another namespace is not ours.
    const json = JSON.parse(sample('02'));
    json.flow.source = { namespace: 'other', pod_name: 'rel1-default-0' };
    assert.equal(accept(flowOf(JSON.stringify(json))), false);
    // Ingress to a release pod (destination side) counts.
    json.flow.destination = { namespace: 'ns1', pod_name: 'rel1-web-0' };
    assert.equal(accept(flowOf(JSON.stringify(json))), true);
    // No pod name, but the IP of a release pod.
    json.flow.destination = {};
    json.flow.IP = { source: '10.0.1.7', destination: '1.2.3.4' };
    json.flow.source = {};
    assert.equal(accept(flowOf(JSON.stringify(json))), true);
    // A pod created after the list, recognised by its Cilium labels.
    json.flow.IP = { source: '10.9.9.9', destination: '1.2.3.4' };
    json.flow.source = {
      namespace: 'ns1',
      pod_name: 'rel1-new-0',
      labels: ['k8s:app.kubernetes.io/instance=rel1', 'k8s:io.kubernetes.pod.namespace=ns1'],
    };
    assert.equal(accept(flowOf(JSON.stringify(json))), true);
  });

  it('the model keeps only drops of the release', () => {
    const m = new DropModel({ scope });
    assert.equal(m.add(drop({ time: t(0), srcPort: 1 })), true);
    for (const l of sampleLines(sampleFiles().find((f) => f.startsWith('08')) as string))
      assert.equal(m.add(flowOf(l)), false);
    assert.equal(m.add(flowOf(sample('05'))), false);
    assert.deepEqual(m.ignored, { notDropped: 2, otherRelease: 1 });
    assert.equal(m.size, 1);
  });
});

describe('cilium: grouping SYN retries', () => {
  it('groups the same 5-tuple within the gap and counts the retries', () => {
    const m = new DropModel({ groupGapMs: 70_000 });
    // Linux back-off: 0, 1, 3, 7, 15, 31, 63 s.
    for (const s of [0, 1, 3, 7, 15, 31, 63]) m.add(drop({ time: t(s), srcPort: 40000 }));
    const groups = m.groups();
    assert.equal(groups.length, 1);
    assert.equal(groups[0].count, 7);
    assert.equal(groups[0].firstTime, t(0));
    assert.equal(groups[0].lastTime, t(63));
  });

  it('a new source port (new connection) or a long pause starts a new row', () => {
    const m = new DropModel({ groupGapMs: 70_000 });
    m.add(drop({ time: t(0), srcPort: 40000 }));
    m.add(drop({ time: t(1), srcPort: 40001 }));
    m.add(drop({ time: t(200), srcPort: 40000 }));
    assert.deepEqual(
      m.groups().map((g) => g.count),
      [1, 1, 1],
    );
    const sum = m.summary();
    assert.equal(sum.length, 1, 'all to one destination');
    assert.equal(sum[0].destination, 'example.com', 'summaries group by the name');
    assert.equal(sum[0].count, 3);
    assert.equal(sum[0].rows, 3);
    assert.deepEqual(sum[0].sources, ['ns1/rel1-default-0']);
  });

  it('policy-verdict and drop events of one packet share the row; flows from two nodes join it', () => {
    const a = flowOf(sample('06'));
    const b = flowOf(sample('07'));
    assert.notEqual(groupKey(a), groupKey(b), 'different source ports in the samples');
    const m = new DropModel();
    m.add(drop({ time: t(0), srcPort: 5, node: 'node-a' }));
    m.add(drop({ time: t(1), srcPort: 5, node: 'node-b' }));
    assert.deepEqual([...m.groups()[0].nodes], ['node-a', 'node-b']);
  });

  it('summary by destination, most drops first', () => {
    const m = new DropModel();
    m.add(drop({ time: t(0), srcPort: 1, dst: '1.1.1.1', names: [] }));
    for (const s of [0, 1, 3]) m.add(drop({ time: t(s), srcPort: 2 }));
    const sum = m.summary();
    assert.deepEqual(
      sum.map((s) => [s.destination, s.count]),
      [
        ['example.com', 3],
        ['1.1.1.1 (world):443', 1],
      ],
    );
  });

  it('the ring bound evicts the oldest flows and their rows', () => {
    const m = new DropModel({ capacity: 5 });
    for (let i = 0; i < 3; i++) m.add(drop({ time: t(i), srcPort: 100 }));
    for (let i = 0; i < 4; i++) m.add(drop({ time: t(10 + i), srcPort: 200 + i }));
    assert.equal(m.size, 5);
    assert.equal(m.evicted, 2);
    const groups = m.groups();
    assert.deepEqual(
      groups.map((g) => g.count),
      [1, 1, 1, 1, 1],
    );
    const changes = m.takeChanges();
    assert.equal(changes.removed.length, 0, 'the first row still has one flow');
    m.add(drop({ time: t(20), srcPort: 300 }));
    const next = m.takeChanges();
    assert.deepEqual(next.removed, [groups[0].id]);
    assert.equal(m.group(groups[0].id), undefined);
    assert.equal(m.exportJsonl().trim().split('\n').length, 5);
  });

  it('exports the raw lines as JSONL, oldest first', () => {
    const m = new DropModel();
    const lines = [sample('06'), sample('07')];
    for (const l of lines) m.add(flowOf(l), l);
    assert.equal(m.exportJsonl(), `${lines.join('\n')}\n`);
    m.clear();
    assert.equal(m.exportJsonl(), '');
    assert.equal(m.takeChanges().removed.length, 2);
  });

  it('collects the suggested values entries by id', () => {
    const m = new DropModel();
    m.add(drop({ time: t(0), srcPort: 1 }));
    m.add(drop({ time: t(0), srcPort: 2, dst: '8.8.8.8', names: [] }));
    const s = m.suggestions();
    assert.deepEqual([...s.keys()].sort(), ['allowCIDR:8.8.8.8/32', 'allowDomains:example.com']);
    assert.equal(
      entryId({ key: 'allowDomainsPorts', domain: 'a.io', port: 22, protocol: 'TCP' }),
      'allowDomainsPorts:a.io:22/TCP',
    );
  });
});
