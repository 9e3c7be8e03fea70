import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlowLineSplitter, parseFlowLine } from '../../../src/core/cilium/parse';
import { Flow, describeEndpoint, endpointName, isWorld, reservedEntity } from '../../../src/core/cilium/flow';
import { resolveDropReason } from '../../../src/core/cilium/reasons';
import { HUBBLE_DIR, sample, sampleFiles, sampleLines } from './fixtures';

function flowOf(line: string): Flow {
  const r = parseFlowLine(line);
  assert.equal(r.kind, 'flow', `not a flow: ${line.slice(0, 80)}`);
  return (r as { flow: Flow }).flow;
}

describe('cilium: flow parsing of the shared Hubble samples', () => {
  it('parses every line of every sample as a flow', () => {
    const files = sampleFiles();
    assert.ok(files.length >= 9, `samples found: ${files.join(', ')}`);
    for (const f of files) for (const line of sampleLines(f)) flowOf(line);
  });

  it('01: non-policy drop with empty endpoints, ICMPv6', () => {
    const f = flowOf(sample('01'));
    assert.equal(f.verdict, 'DROPPED');
    assert.equal(f.protocol, 'ICMPv6');
    assert.equal(f.icmpType, 133);
    assert.equal(f.source.ip, 'fe80::64d8:8aff:fe72:fc14');
    assert.equal(f.source.pod, undefined);
    assert.equal(f.node, 'kind-kind/kind-worker');
    assert.equal(f.direction, 'UNKNOWN');
    const r = resolveDropReason(f.dropReasonNum, f.dropReasonName);
    assert.deepEqual([r?.num, r?.name, r?.text], [132, 'INVALID_SOURCE_IP', 'Invalid source ip']);
  });

  it('02: pod to pod SYN, POLICY_DENIED by name only', () => {
    const f = flowOf(sample('02'));
    assert.deepEqual([f.source.namespace, f.source.pod, f.source.port], ['default', 'xwing', 44916]);
    assert.deepEqual(
      [f.destination.pod, f.destination.port, f.destination.ip],
      ['deathstar-7848d6c4d5-th9v2', 80, '10.244.1.5'],
    );
    assert.deepEqual(f.tcpFlags, ['SYN']);
    assert.equal(resolveDropReason(f.dropReasonNum, f.dropReasonName)?.num, 133);
    assert.equal(describeEndpoint(f.destination), 'default/deathstar-7848d6c4d5-th9v2:80');
  });

  it('03 jsonpb and 03b legacy json give the same flow (reason from event sub_type)', () => {
    const a = flowOf(sample('03-'));
    const b = flowOf(sample('03b'));
    assert.deepEqual(a, b);
    assert.equal(a.eventType, 1);
    assert.equal(a.dropReasonNum, 133);
    assert.equal(resolveDropReason(a.dropReasonNum, a.dropReasonName)?.name, 'POLICY_DENIED');
    assert.deepEqual([a.source.identity, a.destination.identity], [4, 12345]);
    assert.equal(reservedEntity(a.source), 'health');
    assert.equal(a.tcpFlags.length, 0, 'no flags object in the sample; Summary is only text');
    assert.equal(a.summary, 'TCP Flags: SYN');
  });

  it('04: POLICY_DENY (181) with egress_denied_by and workloads', () => {
    const f = flowOf(sample('04'));
    assert.equal(f.dropReasonNum, 181);
    assert.equal(resolveDropReason(f.dropReasonNum, f.dropReasonName)?.text, 'Policy denied by denylist');
    assert.deepEqual(f.deniedBy, ['net-lab/deny-tg-to-echo']);
    assert.deepEqual(f.source.workloads, ['Deployment/traffic-generator']);
    assert.equal(f.direction, 'EGRESS');
    assert.equal(f.eventType, 5);
  });

  it('05: EGRESS with identities and k8s: labels', () => {
    const f = flowOf(sample('05'));
    assert.equal(f.direction, 'EGRESS');
    assert.equal(f.source.identity, 60176);
    assert.ok(f.source.labels.includes('k8s:app=agent-probe'));
    assert.equal(describeEndpoint(f.destination), 'corp-prod/corp-prod-target:8080');
  });

  it('06: policy verdict to reserved:world-ipv4 with destination_names', () => {
    const f = flowOf(sample('06'));
    assert.ok(isWorld(f.destination));
    assert.equal(endpointName(f.destination), 'one.one.one.one');
    assert.equal(describeEndpoint(f.destination), 'one.one.one.one (1.1.1.1):80');
  });

  it('07: drop event to an fqdn/cidr identity', () => {
    const f = flowOf(sample('07'));
    assert.equal(f.destination.identity, 16777259);
    assert.ok(isWorld(f.destination));
    assert.equal(f.eventType, 1);
    assert.equal(f.dropReasonNum, 133);
  });

  it('08: FORWARDED flows parse with their verdict (not drops)', () => {
    const lines = sampleLines(sampleFiles().find((n) => n.startsWith('08')) as string);
    assert.equal(lines.length, 2);
    for (const l of lines) {
      const f = flowOf(l);
      assert.equal(f.verdict, 'FORWARDED');
      assert.equal(f.dropReasonNum, undefined);
      assert.equal(resolveDropReason(f.dropReasonNum, f.dropReasonName), undefined);
    }
    assert.equal(reservedEntity(flowOf(lines[0]).destination), 'host');
    assert.deepEqual(flowOf(lines[0]).tcpFlags, ['ACK', 'FIN']);
    assert.equal(flowOf(lines[0]).isReply, true);
  });

  it('all-drops.jsonl: 7 drops', () => {
    const lines = readFileSync(join(HUBBLE_DIR, 'all-drops.jsonl'), 'utf8').split('\n');
    const flows = lines.map(parseFlowLine).filter((r) => r.kind === 'flow');
    assert.equal(flows.length, 7);
    for (const r of flows) assert.equal((r as { flow: Flow }).flow.verdict, 'DROPPED');
  });

  it('skips what is not a flow, never throws', () => {
    assert.deepEqual(parseFlowLine(''), { kind: 'skip', reason: 'empty' });
    assert.deepEqual(parseFlowLine('not json {'), { kind: 'skip', reason: 'not-json' });
    assert.deepEqual(parseFlowLine('[1,2]'), { kind: 'skip', reason: 'not-json' });
    assert.deepEqual(parseFlowLine('{"node_status":{"state":"NODE_CONNECTED"},"node_name":"n"}'), {
      kind: 'skip',
      reason: 'not-flow',
    });
    assert.deepEqual(parseFlowLine('{"lost_events":{"num_events_lost":"3"}}'), { kind: 'skip', reason: 'not-flow' });
    assert.deepEqual(parseFlowLine('{"flow":"x"}'), { kind: 'skip', reason: 'invalid-flow' });
    assert.deepEqual(
      parseFlowLine('{"flow":{"verdict":"DROPPED"}}'),
      { kind: 'skip', reason: 'invalid-flow' },
      'no time',
    );
    assert.deepEqual(parseFlowLine('{"hello":1}'), { kind: 'skip', reason: 'not-flow' });
    // Wrong types in every field still give a flow or a skip.
    const odd =
      '{"flow":{"time":"2024-01-01T00:00:00Z","verdict":5,"IP":[],"l4":{"TCP":{"source_port":"x","flags":3}},"source":7,"destination":{"labels":"x"},"event_type":{"type":"1","sub_type":"133"}}}';
    const r = parseFlowLine(odd);
    assert.equal(r.kind, 'flow');
    assert.equal((r as { flow: Flow }).flow.dropReasonNum, 133, '64-bit style string numbers are read');
  });

  it('accepts lowerCamelCase protojson names too', () => {
    const line =
      '{"flow":{"time":"2024-01-01T00:00:00Z","verdict":"DROPPED","IP":{"source":"10.0.0.1","destination":"8.8.8.8"},"l4":{"UDP":{"sourcePort":5000,"destinationPort":53}},"source":{"podName":"a","namespace":"n"},"destination":{},"dropReasonDesc":"POLICY_DENIED","trafficDirection":"EGRESS","nodeName":"n1"}}';
    const f = flowOf(line);
    assert.deepEqual(
      [f.source.pod, f.destination.port, f.dropReasonName, f.direction, f.node],
      ['a', 53, 'POLICY_DENIED', 'EGRESS', 'n1'],
    );
  });

  it('line splitter: chunks split anywhere, multi-byte characters across chunks, counts skips', () => {
    const text = `${sample('02')}\nnoise line\n{"node_status":{}}\n${sample('06')}\n`;
    const bytes = Buffer.from(text.replace('xwing', 'xwïng'), 'utf8');
    const got: Flow[] = [];
    const s = new FlowLineSplitter((f) => got.push(f));
    for (let i = 0; i < bytes.length; i += 7) s.push(bytes.subarray(i, i + 7));
    s.end();
    assert.equal(got.length, 2);
    assert.equal(got[0].source.pod, 'xwïng');
    assert.equal(s.skipped['not-json'], 1);
    assert.equal(s.skipped['not-flow'], 1);
    assert.equal(s.skippedTotal, 2);
  });

  it('line splitter: a final line without newline is parsed at end()', () => {
    const got: Flow[] = [];
    const s = new FlowLineSplitter((f) => got.push(f));
    s.push(sample('05'));
    assert.equal(got.length, 0);
    s.end();
    assert.equal(got.length, 1);
  });
});
