// Public surface of the values linter (VS Code-free).
export { lintValues, allRuleMeta, type LintOptions } from './engine';
export { applyEdits } from '../values/textEdits';
export { IncrementalLinter, type IncrementalOptions } from './incremental';
export { WarmUps, type SliceTimer, type WarmUpOptions } from './warmup';
export {
  toZeroBased,
  type LintDiagnostic,
  type Fix,
  type TextEdit,
  type Severity,
  type RuleMeta,
  type ZeroBasedRange,
} from './types';
export { rules } from './rules/registry';
