// Issue 10, bad input: the values linter (src/core/lint) against hostile YAML, 10,000 cases. It never throws,
// no rule crashes (no lint/internal), every diagnostic is well-formed, fixes apply, each case is time-bounded,
// and nothing pollutes prototypes. (test/unit/lint/property.test.ts covers values-shaped documents; this one
// is the adversarial side: YAML's sharp edges, pollution keys, alias bombs, bytes, huge and deep input.)
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { applyEdits, lintValues, type LintDiagnostic } from '../../../src/core/lint/api';
import { RUNS, assertNoPollution, bigKinds, hostile, bounded } from './support/gen';

/** Generous for a shared 2-core CI machine; the cases take milliseconds. */

function lint(text: string): LintDiagnostic[] {
  const ds = bounded(`lint of ${text.length} characters ${JSON.stringify(text.slice(0, 80))}`, () => lintValues(text));
  assert.ok(Array.isArray(ds));
  const lines = text.split(/\r\n|\r|\n/).length + 1;
  for (const d of ds) {
    assert.notEqual(d.rule, 'lint/internal', `a rule crashed: ${d.message} on ${JSON.stringify(text.slice(0, 300))}`);
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines + 1, `line ${d.line} of ${lines}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 1);
    assert.ok(d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column), JSON.stringify(d));
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    assert.ok(typeof d.rule === 'string' && d.rule.length > 0 && typeof d.message === 'string');
  }
  return ds;
}

describe('security: the linter on hostile input (fast-check)', function () {
  this.timeout(180_000);
  before(() => lintValues('services: {}\n')); // schema compilation is a one-time cost, not a case

  it(`${RUNS.toLocaleString('en')} hostile documents: never throws, no rule crash, well-formed diagnostics, fixes apply, bounded time`, () => {
    let fixes = 0;
    fc.assert(
      fc.property(hostile, ({ text }) => {
        // Fixes are applied and the result linted again (the first few: a wide document offers thousands).
        for (const d of lint(text)
          .filter((x) => x.fix)
          .slice(0, 3)) {
          if (!d.fix) continue;
          fixes++;
          const fixed = applyEdits(text, d.fix.edits);
          lint(fixed);
        }
        assertNoPollution();
      }),
      { numRuns: RUNS },
    );
    assert.ok(fixes > 0, 'some cases offered fixes, and they were applied');
  });

  it('messages quote user values briefly (a 20,000-character image name is not repeated whole)', () => {
    const long = 'x'.repeat(20_000);
    const ds = lintValues(`services:\n  default:\n    image: "${long}"\n  ${'s'.repeat(5000)}:\n    image: nginx\n`);
    assert.ok(ds.length > 0);
    for (const d of ds) assert.ok(d.message.length <= 1001, `${d.rule}: message of ${d.message.length} characters`);
  });

  it('a wide document (100,000 unknown keys, 1.4 MB) is linted without quadratic work', () => {
    // Linear work is a few seconds; a quadratic lookup per finding is ~40x the 16,000-key case (minutes): the guard trips.
    const text = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const ds = bounded('100,000 unknown top-level keys', () => lintValues(text));
    assert.equal(ds.filter((d) => d.rule === 'schema/unknown-key').length, 100_000);
  });

  it('limits: over-sized, too deep and alias-bomb documents are refused with a diagnostic, quickly', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['5 MiB', `services:\n  default:\n    image: "${'x'.repeat(5 * 1024 * 1024)}"\n`, /yaml\/input-limit/],
      ['100,000 nested brackets', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /yaml\/input-limit/],
      ['5,000 nested maps', bigKinds.deepBlock(5000), /yaml\/input-limit|yaml\/syntax/],
      [
        'alias expansion just under the limit (~1.1 million values)',
        [
          'a0: &a0 [lol, lol]',
          ...Array.from({ length: 6 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(6).fill(`*a${i}`).join(', ')}]`),
        ].join('\n') + '\nservices:\n  default:\n    image: *a6\n',
        /schema\/type|yaml\/input-limit/,
      ],
      [
        'billion laughs',
        [
          'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
          ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
        ].join('\n') + '\n',
        /yaml\/input-limit/,
      ],
    ];
    for (const [what, text, rule] of cases) {
      const ds = bounded(what, () => lintValues(text));
      assert.ok(
        ds.some((d) => rule.test(d.rule)),
        `${what}: ${JSON.stringify(ds.map((d) => d.rule))}`,
      );
    }
  });
});
