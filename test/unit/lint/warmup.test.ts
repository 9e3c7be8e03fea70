// Opening a file: the first lint is the full lint, the per-service caches are filled afterwards in small warm()
// steps, and results equal lintValues whether an edit comes before, during or after the warm-up.
import { strict as assert } from 'node:assert';
import { lintValues, type LintOptions } from '../../../src/core/lint/api';
import { IncrementalLinter } from '../../../src/core/lint/incremental';
import { defineServiceRule } from '../../../src/core/lint/rule';
import { rules } from '../../../src/core/lint/rules/registry';
import { WarmUps, type SliceTimer } from '../../../src/core/lint/warmup';
import { generateValues } from '../../../bench/suites/lint';
import { richValues } from './incrementalDocs';

const n = 40;
const forty = generateValues(n);
/** One step per entry parsed, one to compile the schema check, one to assemble, one per service primed, one lint. */
const allSteps = 2 * n + 3;
/** A character typed into one service's image tag: every later offset shifts by one. */
const edited = forty.replace(
  '  svc-0007:\n    image: "python:3.12-bookworm"',
  '  svc-0007:\n    image: "python:3.12-bookwormx"',
);

function same(linter: IncrementalLinter, text: string, opts: LintOptions = {}): void {
  assert.deepStrictEqual(linter.lint(text), lintValues(text, opts), `${linter.lastPath}`);
  assert.doesNotMatch(linter.lastPath, /^internal/);
}

function steps(linter: IncrementalLinter, count: number): void {
  for (let i = 0; i < count && linter.warming; i++) linter.warm(0);
}

/** Slices run only when the test says so. */
class FakeTimer implements SliceTimer {
  readonly queue = new Map<number, () => void>();
  private id = 0;
  cleared = 0;
  set(run: () => void): unknown {
    this.queue.set(++this.id, run);
    return this.id;
  }
  clear(handle: unknown): void {
    if (this.queue.delete(handle as number)) this.cleared++;
  }
  /** Runs the oldest pending slice; false when none is pending. */
  runOne(): boolean {
    const first = this.queue.entries().next();
    if (first.done) return false;
    this.queue.delete(first.value[0]);
    first.value[1]();
    return true;
  }
}

describe('lint: incremental linter warm-up', () => {
  before(() => lintValues('services: {}\n'));

  it('lints a newly opened file whole: no service parsed alone, warm-up pending', () => {
    const linter = new IncrementalLinter();
    same(linter, forty);
    assert.match(linter.lastPath, /^warming up/);
    assert.equal(linter.lastParsed, 0);
    assert.equal(linter.lastRuleRuns, 0);
    assert.ok(linter.warming);
  });

  it('does exactly one step per warm(0) call, then re-lints the warmed text from its caches', () => {
    const linter = new IncrementalLinter();
    linter.lint(forty);
    let calls = 0;
    while (linter.warming) {
      linter.warm(0);
      assert.equal(linter.lastWarmSteps, 1);
      calls++;
    }
    assert.equal(calls, allSteps);
    assert.equal(linter.warm(0), false);
    assert.equal(linter.lastWarmSteps, 0);
    same(linter, forty);
    assert.equal(linter.lastPath, 'incremental');
    assert.equal(linter.lastParsed, 0);
    assert.equal(linter.lastRuleRuns, 0);
    same(linter, edited);
    assert.equal(linter.lastPath, 'incremental');
    assert.equal(linter.lastParsed, 1);
  });

  it('stops a warm() call when its budget is spent, counted in steps by the clock it is given', () => {
    let ticks = 0;
    const linter = new IncrementalLinter({}, { now: () => ticks++ });
    linter.lint(forty);
    const done: number[] = [];
    while (linter.warm(5)) done.push(linter.lastWarmSteps);
    done.push(linter.lastWarmSteps);
    // The clock advances one per reading: five steps per call, the rest in the last one.
    assert.deepEqual(
      done,
      [...Array<number>(Math.floor(allSteps / 5)).fill(5), allSteps % 5].filter((x) => x > 0),
    );
  });

  it('gives lintValues results for an edit before, during and after the warm-up', () => {
    for (const k of [0, 1, n / 2, n, n + 1, n + 2, n + 3, allSteps - 6, allSteps - 2, allSteps - 1, allSteps]) {
      const linter = new IncrementalLinter();
      same(linter, forty);
      steps(linter, k);
      same(linter, edited);
      // Little left to do: the edit is linted incrementally; much left: whole, and the warm-up goes on for it.
      if (k >= allSteps - 6) assert.equal(linter.lastPath, 'incremental', `after ${k} steps`);
      else assert.match(linter.lastPath, /^warming up/, `after ${k} steps`);
      let rest = 0;
      while (linter.warming) {
        linter.warm(0);
        rest++;
      }
      // What was done before the edit is kept: only the edited entry is parsed again.
      if (k >= n) assert.ok(rest <= n + 4, `after ${k} steps: ${rest} more`);
      same(linter, edited);
      assert.equal(linter.lastPath, 'incremental');
      same(linter, forty);
      assert.equal(linter.lastPath, 'incremental');
      assert.equal(linter.lastParsed, 1);
    }
  });

  it('gives lintValues results when warm-up meets findings with fixes, a changed head and a failing rule', () => {
    const failing = defineServiceRule({ id: 'test/fails', severity: 'warning', title: 't', why: 't' }, (_ctx, s) => {
      if (s.name.endsWith('-3')) throw new Error('boom');
    });
    const opts: LintOptions = { rules: [...rules, failing] };
    const text = richValues(30, 1);
    const linter = new IncrementalLinter(opts, { minServices: 1 });
    same(linter, text, opts);
    steps(linter, 45);
    const headEdit = text.replace('riskLevel: high', 'riskLevel: low');
    assert.notEqual(headEdit, text);
    same(linter, headEdit, opts);
    while (linter.warming) linter.warm(0);
    same(linter, headEdit, opts);
    assert.equal(linter.lastPath, 'incremental');
    assert.ok(
      linter.lint(headEdit).some((d) => d.rule === 'lint/internal'),
      'the failing rule is reported',
    );
    same(linter, text, opts);
  });

  it('ends the warm-up early when the text cannot be linted incrementally, with the same results', () => {
    const broken = `${forty}services2: 1\nallowDomains: []\n`;
    const linter = new IncrementalLinter();
    same(linter, broken);
    let calls = 0;
    while (linter.warming) {
      linter.warm(0);
      calls++;
    }
    assert.equal(calls, n + 2, 'every entry parsed, then assembling fails (a repeated key in the head)');
    // Its services were never checked incrementally: still linted whole; the warm-up has only the failed assembly left.
    same(linter, broken);
    calls = 0;
    while (linter.warming) {
      linter.warm(0);
      calls++;
    }
    assert.equal(calls, 2);
    // Fixed: the parsed entries are used at once.
    same(linter, forty);
    assert.match(linter.lastPath, /^warming up/);
    assert.equal(linter.lastParsed, 0);
  });

  it('has nothing to warm after a text it lints whole for another reason', () => {
    const linter = new IncrementalLinter();
    same(linter, 'services: {default: {image: "a:1"}}\n');
    assert.equal(linter.warming, false);
    assert.equal(linter.warm(100), false);
    assert.equal(linter.lastWarmSteps, 0);
  });

  describe('slices (WarmUps)', () => {
    it('warms in slices, one pending at a time, until the linter is warm', () => {
      const timer = new FakeTimer();
      const warmups = new WarmUps({ timer, sliceMs: 0 });
      const linter = new IncrementalLinter();
      linter.lint(forty);
      warmups.start('a', linter);
      let slices = 0;
      while (timer.runOne()) {
        slices++;
        assert.ok(timer.queue.size <= 1);
        assert.equal(linter.lastWarmSteps, 1, 'a slice of budget 0 does one step');
      }
      assert.equal(slices, allSteps);
      assert.equal(warmups.active, 0);
      assert.equal(linter.warming, false);
      same(linter, edited);
      assert.equal(linter.lastPath, 'incremental');
    });

    it('cancels on stop (an edit, a close) and leaves no slice after dispose', () => {
      const timer = new FakeTimer();
      const warmups = new WarmUps({ timer, sliceMs: 0 });
      const a = new IncrementalLinter();
      const b = new IncrementalLinter();
      a.lint(forty);
      b.lint(edited);
      warmups.start('a', a);
      warmups.start('b', b);
      warmups.start('b', b); // a restart replaces the pending slice
      assert.equal(timer.queue.size, 2);
      timer.runOne();
      warmups.stop('a');
      assert.equal(timer.queue.size, 1);
      assert.equal(warmups.active, 1);
      warmups.dispose();
      assert.equal(timer.queue.size, 0);
      assert.equal(warmups.active, 0);
      warmups.start('a', a);
      assert.equal(timer.queue.size, 0, 'nothing starts after dispose');
      assert.ok(a.warming && b.warming, 'both stopped before their end');
      // An edit after a cancelled warm-up is still right.
      same(a, edited);
    });

    it('starts nothing for a linter that has no warm-up to do', () => {
      const timer = new FakeTimer();
      const warmups = new WarmUps({ timer });
      const linter = new IncrementalLinter();
      linter.lint(generateValues(5));
      warmups.start('a', linter);
      assert.equal(timer.queue.size, 0);
    });
  });
});
