// Property-based proof that the incremental linter is a pure optimisation: along random edit sequences on real
// and generated files (edits that break the YAML, rename and repeat services, add anchors, touch the head), every
// step gives exactly what lintValues gives for the same text.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { lintValues } from '../../../src/core/lint/api';
import { ValuesDoc } from '../../../src/core/lint/document';
import { IncrementalLinter } from '../../../src/core/lint/incremental';
import { assemble, movePiece, parsePiece, splitServices, type Piece } from '../../../src/core/lint/split';
import { astDifference } from './astCompare';
import { applyEdit, baseTexts, edit } from './incrementalDocs';

describe('lint: incremental linter equals lintValues (fast-check)', function () {
  this.timeout(600_000);
  before(() => lintValues('services: {}\n'));

  // Steps by when the lint came (file just opened; warm-up pending, untouched or partly done; none pending) and
  // how it ran (incremental; whole, leaving warm-up to do; whole for another reason).
  const paths = new Map<string, number>();
  const count = (k: string): number => paths.get(k) ?? 0;
  after(() => {
    const show = JSON.stringify([...paths]);
    if (process.env.INC_SHOW) console.log(show);
    // Not vacuous: many steps take the incremental path (a third: first lints of larger files are whole now, and
    // many random edits break the split), and edits arrive in every phase of the warm-up.
    const total = [...paths.values()].reduce((a, b) => a + b, 0);
    const inc = [...paths].filter(([k]) => k.endsWith(' incremental')).reduce((a, [, v]) => a + v, 0);
    assert.ok(total === 0 || inc / total > 0.3, `only ${inc} of ${total} steps were incremental: ${show}`);
    if (total > 0)
      for (const k of ['open to warm', 'cold to warm', 'partly to warm', 'partly incremental', 'warm incremental'])
        assert.ok(count(k) > 0, `no step was "${k}": ${show}`);
  });

  // Before each lint: no warm-up, a few steps of it, or all of it.
  const warmSteps = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 }), fc.constant(Infinity));

  it('every step of 10,000 random edit sequences (fixtures and generated files), warm-up steps interleaved', () => {
    fc.assert(
      fc.property(
        fc.nat(baseTexts.length - 1),
        fc.array(fc.tuple(edit, warmSteps), { minLength: 1, maxLength: 6 }),
        warmSteps,
        (base, edits, last) => {
          const inc = new IncrementalLinter({}, { minServices: 1 });
          let text = baseTexts[base];
          for (let step = 0; step <= edits.length + 1; step++) {
            // The last step lints the last text again after more warm-up.
            const warm = step === 0 ? 0 : step <= edits.length ? edits[step - 1][1] : last;
            let done = 0;
            for (; done < warm && inc.warming; done++) inc.warm(0);
            const phase = step === 0 ? 'open' : !inc.warming ? 'warm' : done === 0 ? 'cold' : 'partly';
            if (step > 0 && step <= edits.length) text = applyEdit(text, edits[step - 1][0]);
            const got = inc.lint(text);
            assert.ok(!inc.lastPath.startsWith('internal'), inc.lastPath);
            assert.equal(inc.warmFailure, undefined);
            const key = `${phase} ${inc.lastPath === 'incremental' ? 'incremental' : inc.lastPath.startsWith('warming up') ? 'to warm' : 'full'}`;
            paths.set(key, count(key) + 1);
            assert.deepStrictEqual(got, lintValues(text), `step ${step} (${inc.lastPath}) of:\n${text}`);
          }
        },
      ),
      { numRuns: Number(process.env.INC_RUNS ?? 10_000) },
    );
  });

  it("the assembled document has the full parse's nodes, ranges and line starts (2,000 texts)", () => {
    let assembled = 0;
    fc.assert(
      fc.property(fc.nat(baseTexts.length - 1), fc.array(edit, { maxLength: 3 }), (base, edits) => {
        const text = edits.reduce(applyEdit, baseTexts[base]);
        const split = splitServices(text);
        if (typeof split === 'string') return;
        const pieces: Piece[] = [];
        for (let i = 0; i < split.starts.length; i++) {
          const t = text.slice(split.starts[i], split.starts[i + 1] ?? split.blockEnd);
          const p = parsePiece(t, i + 1 < split.starts.length ? split.indent : 0);
          if (typeof p === 'string') return;
          movePiece(p, split.starts[i]);
          pieces.push(p);
        }
        const doc = assemble(text, split, pieces, text.slice(0, split.cut) + text.slice(split.blockEnd));
        if (typeof doc === 'string') return;
        const full = new ValuesDoc(text);
        assert.equal(full.doc.errors.length, 0, `the pieces parse cleanly but the whole does not:\n${text}`);
        assert.equal(astDifference(doc.vd.doc.contents, full.doc.contents), undefined, text);
        assert.deepEqual(doc.vd.lineCounter.lineStarts, full.lineCounter.lineStarts);
        assembled++;
      }),
      { numRuns: 2000 },
    );
    assert.ok(assembled > 500, `only ${assembled} texts were assembled`);
  });
});
