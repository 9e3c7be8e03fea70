// Issue 10, bad input: the Hubble flow parser (src/core/cilium) on hostile lines, 10,000 cases each: real flows
// with fields replaced by anything JSON can hold, arbitrary text and bytes, huge and deeply nested lines. It
// never throws and its flows are well-typed; the byte-stream splitter gives the same flows however the stream is
// chunked; and whatever it accepts travels to the webview as a message the webview's schema accepts.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Flow } from '../../../src/core/cilium/flow';
import { DropModel } from '../../../src/core/cilium/model';
import { FlowLineSplitter, parseFlowLine } from '../../../src/core/cilium/parse';
import { parseHostMessage } from '../../../src/protocol/inspector';
import { toFlowRow, toSummaryRow } from '../../../src/core/inspector/rows';
import { RUNS, assertNoPollution, hostile, bounded } from './support/gen';

const HUBBLE = '/work/shared/fixtures/hubble';

/** Every flow line of the shared Hubble fixtures, as objects. */
const samples: Record<string, unknown>[] = readdirSync(HUBBLE)
  .filter((f) => /\.jsonl?$/.test(f))
  .flatMap((f) => readFileSync(join(HUBBLE, f), 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Paths to every value in an object (so a mutation can hit any field, however deep). */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: (string | number)[][] = [prefix];
  for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, Array.isArray(v) ? Number(k) : k]));
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[path[0]] = setAt(copy[path[0]], path.slice(1), value);
  return copy;
}

const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    'DROPPED',
    'EGRESS',
    'a b.example.com',
    '*.x',
    '../../etc',
    '<script>alert(1)</script>',
    '\u0000',
    '\u202e',
    'é'.repeat(300),
    'x'.repeat(70_000),
    -1,
    1e308,
    2 ** 53 + 1,
    '18446744073709551615',
    NaN,
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A real flow with 1-6 fields replaced, and sometimes extra DNS names (what suggestions are built from). */
const mutatedFlow: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.array(fc.tuple(fc.nat(), nasty), { minLength: 1, maxLength: 6 }),
    fc.option(
      fc.array(
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('ev il.com', 'a\nb.org', 'xn--80ak6aa92e.com', '*.*')),
        { maxLength: 3 },
      ),
    ),
  )
  .map(([base, edits, names]) => {
    let o: unknown = structuredClone(base);
    for (const [i, value] of edits) {
      const all = paths(o);
      o = setAt(o, all[i % all.length], value);
    }
    if (names && o && typeof o === 'object') {
      const flow = ((o as { flow?: unknown }).flow ?? o) as Record<string, unknown>;
      if (flow && typeof flow === 'object') flow.destination_names = names;
    }
    return JSON.stringify(o) ?? 'null';
  });

const deep = fc
  .tuple(fc.constantFrom('{"flow":', '[', '{"a":'), fc.integer({ min: 100, max: 50_000 }))
  .map(([open, n]) => open.repeat(n));
const lines: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: mutatedFlow },
  { weight: 3, arbitrary: hostile.map((c) => c.text) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.constantFrom(...samples).map((s) => JSON.stringify({ ...s, pad: 'p'.repeat(500_000) })) },
);

function checkFlow(f: Flow): void {
  assert.equal(typeof f.time, 'string');
  assert.equal(typeof f.verdict, 'string');
  assert.ok(['EGRESS', 'INGRESS', 'UNKNOWN'].includes(f.direction));
  assert.ok(['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6', 'OTHER'].includes(f.protocol));
  assert.ok(Array.isArray(f.tcpFlags) && f.tcpFlags.every((x) => typeof x === 'string'));
  for (const e of [f.source, f.destination]) {
    assert.ok(e.port === undefined || Number.isFinite(e.port));
    assert.ok([e.labels, e.names, e.workloads].every((a) => Array.isArray(a) && a.every((x) => typeof x === 'string')));
  }
  assert.ok(f.dropReasonNum === undefined || Number.isFinite(f.dropReasonNum));
}

describe('security: the Hubble flow parser on hostile input (fast-check)', function () {
  this.timeout(180_000);

  it(`${RUNS.toLocaleString('en')} hostile lines: never throws, well-typed flows, bounded time`, () => {
    let flows = 0;
    fc.assert(
      fc.property(lines, (line) => {
        const r = bounded(`parse of ${line.length} characters`, () => parseFlowLine(line));
        if (r.kind === 'flow') {
          flows++;
          checkFlow(r.flow);
        } else assert.ok(['empty', 'not-json', 'not-flow', 'invalid-flow'].includes(r.reason));
        assertNoPollution();
      }),
      { numRuns: RUNS },
    );
    assert.ok(flows > RUNS / 4, `many cases were still flows (${flows})`);
  });

  it(`${RUNS.toLocaleString('en')} streams split at random points (inside UTF-8 characters too) give the same flows as whole lines`, () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            mutatedFlow,
            fc.constantFrom(...samples).map((s) => JSON.stringify(s)),
            fc.string({ maxLength: 20 }),
          ),
          { maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (ls, cuts) => {
          const bytes = Buffer.from(ls.join('\n') + '\n', 'utf8');
          const whole: string[] = [];
          const a = new FlowLineSplitter((_f, raw) => whole.push(raw));
          a.push(bytes);
          a.end();
          const chunked: string[] = [];
          const b = new FlowLineSplitter((_f, raw) => chunked.push(raw));
          const at = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((x, y) => x - y);
          let prev = 0;
          for (const c of [...at, bytes.length]) {
            b.push(bytes.subarray(prev, c));
            prev = c;
          }
          b.end();
          assert.deepEqual(chunked, whole);
          assert.deepEqual(b.skipped, a.skipped);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a drop whose destination port is out of range (1e308, -1, 70000) still reaches the webview', () => {
    // A drop to a named destination: the row carries an "allow this domain and port" suggestion.
    const base = samples.find(
      (s) =>
        /"destination_names":\["[^"]/.test(JSON.stringify(s)) &&
        /"destination_port":\d+/.test(JSON.stringify(s)) &&
        JSON.stringify(s).includes('DROPPED'),
    );
    assert.ok(base, 'a fixture with a named destination and a port');
    const bad: string[] = [];
    let checked = 0;
    for (const port of [1e308, -1, 70_000, 1.5]) {
      const line = JSON.stringify(base).replace(/"destination_port":\d+/, `"destination_port":${port}`);
      const r = parseFlowLine(line);
      assert.equal(r.kind, 'flow');
      const model = new DropModel({ capacity: 4 });
      if (r.kind !== 'flow' || !model.add(r.flow, line)) continue;
      const parsed = parseHostMessage({
        type: 'network/update',
        rows: model.takeChanges().upserted.map(toFlowRow),
        removed: [],
        summary: model.summary().map(toSummaryRow),
        counters: { total: 1, evicted: 0, capacity: 4, skipped: 0 },
      });
      checked++;
      if (!parsed.ok) bad.push(`port ${port}: ${parsed.error}`);
    }
    assert.equal(checked, 4);
    assert.deepEqual(bad, []);
  });

  it(`${RUNS.toLocaleString('en')} hostile drops reach the webview as messages its schema accepts (one odd flow cannot stall the panel)`, () => {
    const rejected: string[] = [];
    fc.assert(
      fc.property(mutatedFlow, (line) => {
        const r = parseFlowLine(line);
        if (r.kind !== 'flow') return;
        const model = new DropModel({ capacity: 16 });
        if (!model.add(r.flow, line)) return;
        const changes = model.takeChanges();
        const message = {
          type: 'network/update',
          rows: changes.upserted.map(toFlowRow),
          removed: [...changes.removed],
          summary: model.summary().map(toSummaryRow),
          counters: { total: model.size, evicted: model.evicted, capacity: model.capacity, skipped: 0 },
        };
        const parsed = parseHostMessage(message);
        if (!parsed.ok && rejected.length < 5)
          rejected.push(
            `${parsed.error}: ${JSON.stringify(message.rows.map((x) => x.suggestionId))} from destination names ${JSON.stringify(r.flow.destination.names)}`,
          );
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(rejected, [], 'the webview would drop these updates');
  });
});
