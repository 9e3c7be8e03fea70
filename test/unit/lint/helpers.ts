// Shared helpers for the lint tests.
import { strict as assert } from 'node:assert';
import { applyEdits, lintValues, type LintDiagnostic } from '../../../src/core/lint/api';

export const fixturesDir = `${__dirname}/../../../../shared/fixtures/agent-env-values`;

export function lint(text: string): LintDiagnostic[] {
  return lintValues(text);
}

export function ofRule(ds: LintDiagnostic[], rule: string): LintDiagnostic[] {
  return ds.filter((d) => d.rule === rule);
}

export function errors(ds: LintDiagnostic[]): LintDiagnostic[] {
  return ds.filter((d) => d.severity === 'error');
}

export function show(ds: LintDiagnostic[]): string {
  return ds.map((d) => `${d.line}:${d.column} ${d.severity} ${d.rule}: ${d.message}`).join('\n') || '(none)';
}

/** Applies the fix of the one diagnostic of `rule`, re-lints, and checks the rule and all errors are gone. */
export function applyFixAndRelint(text: string, rule: string, index = 0): { fixed: string; after: LintDiagnostic[] } {
  const before = ofRule(lint(text), rule);
  const d = before[index];
  assert.ok(d, `expected a ${rule} diagnostic:\n${show(lint(text))}`);
  assert.ok(d.fix, `expected a quick fix on ${rule}`);
  const fixed = applyEdits(text, d.fix.edits);
  const after = lint(fixed);
  assert.ok(ofRule(after, rule).length < before.length, `fix "${d.fix.title}" left ${rule}:\n${fixed}\n${show(after)}`);
  assert.deepEqual(
    errors(after).map((e) => e.rule),
    [],
    `fix "${d.fix.title}" left errors:\n${fixed}\n${show(after)}`,
  );
  return { fixed, after };
}
