// Property-based proof that the incremental linter is a pure optimisation: along random edit sequences on real
// and generated files (edits that break the YAML, rename and repeat services, add anchors, touch the head), every
// step gives exactly what lintValues gives for the same text.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { lintValues } from '../../../src/core/lint';
import { ValuesDoc } from '../../../src/core/lint/document';
import { IncrementalLinter } from '../../../src/core/lint/incremental';
import { assemble, movePiece, parsePiece, splitServices, type Piece } from '../../../src/core/lint/split';
import { astDifference } from './astCompare';
import { applyEdit, baseTexts, edit } from './incrementalDocs';

describe('lint: incremental linter equals lintValues (fast-check)', function () {
  this.timeout(600_000);
  before(() => lintValues('services: {}\n'));

  const paths = new Map<string, number>();
  after(() => {
    // Not vacuous: most steps must have taken the incremental path (the rest fell back, which is also checked).
    const total = [...paths.values()].reduce((a, b) => a + b, 0);
    const inc = paths.get('incremental') ?? 0;
    assert.ok(total === 0 || inc / total > 0.4, `only ${inc} of ${total} steps were incremental: ${JSON.stringify([...paths])}`);
  });

  it('every step of 10,000 random edit sequences (fixtures and generated files)', () => {
    fc.assert(
      fc.property(fc.nat(baseTexts.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 }), (base, edits) => {
        const inc = new IncrementalLinter({}, { minServices: 1 });
        let text = baseTexts[base];
        for (let step = 0; step <= edits.length; step++) {
          if (step > 0) text = applyEdit(text, edits[step - 1]);
          const got = inc.lint(text);
          assert.ok(!inc.lastPath.startsWith('internal'), inc.lastPath);
          const reason = inc.lastPath === 'incremental' ? 'incremental' : 'full';
          paths.set(reason, (paths.get(reason) ?? 0) + 1);
          assert.deepStrictEqual(got, lintValues(text), `step ${step} (${inc.lastPath}) of:\n${text}`);
        }
      }),
      { numRuns: Number(process.env.INC_RUNS ?? 10_000) },
    );
  });

  it('the assembled document has the full parse\'s nodes, ranges and line starts (2,000 texts)', () => {
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
