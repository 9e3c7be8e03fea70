// The pieces of the drop stream's reconnect: backoff with jitter, the resume point for `--since`, replay keys,
// and the states a lost stream shows.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { DEFAULT_RECONNECT, RecentKeys, ResumePoint, backoffDelay, flowKey } from '../../../src/core/cilium/reconnect';
import { hubbleCommand } from '../../../src/core/cilium/stream';
import { classifyExecEnd, summarizeAgents } from '../../../src/core/cilium/streamStatus';
import { sampleFiles, sampleLines } from './fixtures';

describe('cilium: reconnect of lost drop streams', () => {
  it('backoff doubles per attempt up to the cap, with half of each step random', () => {
    const p = { ...DEFAULT_RECONNECT, baseMs: 500, maxMs: 8000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, p, () => 0)),
      [250, 500, 1000, 2000, 4000, 4000],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, p, () => 1)),
      [500, 1000, 2000, 4000, 8000, 8000],
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, p, () => r);
        const step = Math.min(p.maxMs, p.baseMs * 2 ** (n - 1));
        return d >= step / 2 - 1 && d <= step + 1 && d <= p.maxMs;
      }),
    );
  });

  it('the resume point is the newest flow time, to the nanosecond, and only RFC 3339 reaches --since', () => {
    const r = new ResumePoint();
    assert.equal(r.since, undefined);
    r.see('2026-01-01T00:00:00.000000500Z');
    r.see('2026-01-01T00:00:00.0000004Z');
    assert.equal(r.since, '2026-01-01T00:00:00.000000500Z');
    r.see('2026-01-01T00:00:00.001Z');
    r.see('1999-01-01T00:00:00Z');
    r.see('--all');
    r.see('2030-01-01T00:00:00Z; rm -rf /');
    assert.equal(r.since, '2026-01-01T00:00:00.001Z');
    // Nothing seen yet: where the stream started, less a margin for clock skew.
    const seeded = new ResumePoint();
    seeded.seed(Date.UTC(2026, 0, 1, 12));
    assert.equal(seeded.since, '2026-01-01T11:59:58.000Z');
    seeded.seed(Date.UTC(2027, 0, 1));
    assert.equal(seeded.since, '2026-01-01T11:59:58.000Z', 'a seed never moves a known point');
    assert.deepEqual(hubbleCommand('ns', ['a'], r.since).slice(-4), [
      '--since',
      '2026-01-01T00:00:00.001Z',
      '--pod',
      'ns/a',
    ]);
    assert.ok(!hubbleCommand('ns', ['a']).includes('--since'));
  });

  it('replay keys: uuid when Hubble prints one, else time + node + line; the memory is bounded', () => {
    const keys = new Set<string>();
    for (const f of sampleFiles()) {
      for (const line of sampleLines(f)) {
        const r = parseFlowLine(line);
        if (r.kind !== 'flow') continue;
        const k = flowKey(r.flow, line.trim());
        if (/"uuid":"/.test(line)) assert.match(k, /^u:[0-9a-f-]{36}$/);
        else assert.match(k, /^t:/);
        keys.add(k);
      }
    }
    assert.ok(keys.size >= 8, 'distinct flows have distinct keys');
    const recent = new RecentKeys(3);
    assert.deepEqual(
      ['a', 'b', 'a', 'c', 'd', 'a'].map((k) => recent.add(k)),
      [true, true, false, true, true, true],
    );
    assert.equal(recent.size, 3);
  });

  it('a stream lost mid-way is "ended" (retried), not "Hubble disabled"; reconnecting states summarise', () => {
    const lost = classifyExecEnd(
      'n1',
      'cilium-a',
      'rpc error: code = Unavailable desc = error reading from server: EOF\n',
      { exitCode: 1, reason: 'NonZeroExitCode' },
    );
    assert.equal(lost.state, 'ended');
    assert.match(lost.message, /was lost .* may be restarting/);
    const dial = classifyExecEnd(
      'n1',
      'cilium-a',
      "failed to connect to 'unix:///var/run/cilium/hubble.sock': connection error\n",
      { exitCode: 1, reason: 'NonZeroExitCode' },
    );
    assert.equal(dial.state, 'hubble-disabled');
    const only = summarizeAgents([
      { node: 'n1', state: 'reconnecting', attempt: 2, message: 'Reconnecting (attempt 2 of 5)…' },
      { node: 'n2', state: 'not-ready', message: 'n2 not ready.' },
    ]);
    assert.equal(only.kind, 'reconnecting');
    assert.equal(only.message, 'Reconnecting (attempt 2 of 5)… n2 not ready.');
    assert.equal(
      summarizeAgents([
        { node: 'n1', state: 'reconnecting', attempt: 1 },
        { node: 'n2', state: 'streaming' },
      ]).kind,
      'streaming',
    );
  });
});
