// Plain data shared by the engine, its rules, the CLI and the VS Code adapter.

export type Severity = 'error' | 'warning' | 'info';

/** A replacement of text[start, end) (0-based UTF-16 offsets into the linted text). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** A quick fix as data, so the editor and the tests apply the same edits. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/** One finding. Lines and columns are 1-based; endColumn points just past the last character (as in SARIF). */
export interface LintDiagnostic {
  file?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  rule: string;
  message: string;
  fix?: Fix;
}

/** Static description of a rule (for README, SARIF rules and hovers). */
export interface RuleMeta {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Why the rule exists, in one or two sentences. */
  readonly why: string;
}

/** A 0-based range as VS Code wants it. */
export interface ZeroBasedRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export function toZeroBased(d: Pick<LintDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>): ZeroBasedRange {
  return {
    start: { line: d.line - 1, character: d.column - 1 },
    end: { line: d.endLine - 1, character: d.endColumn - 1 },
  };
}
