// The lint engine: parse, validate against the chart schema, run every rule; never throws.
import { coalesce, chartDefaults } from './defaults';
import { InputRejected, ValuesDoc, toPlain, type Path } from './document';
import type { Finding, Rule, RuleContext } from './rule';
import { rules as allRules } from './rules/registry';
import { schemaFindings } from './schema';
import type { LintDiagnostic, RuleMeta, Severity } from './types';
import { errorMessage } from '../errors';

export interface LintOptions {
  /** Put into each diagnostic (the CLI and SARIF need it). */
  file?: string;
  /** Rules to run (default: all). */
  rules?: readonly Rule[];
  /** Validate against the chart schema (default true). */
  schema?: boolean;
  /** Chart default values to merge under the file before schema validation (default: the chart's values.yaml). */
  defaults?: Record<string, unknown>;
}

/** Rules that come from the engine itself rather than from a rule module (for SARIF and docs). */
export const engineRules: readonly RuleMeta[] = [
  { id: 'yaml/syntax', severity: 'error', title: 'YAML syntax error', why: 'Helm cannot read the file.' },
  {
    id: 'yaml/warning',
    severity: 'warning',
    title: 'YAML warning',
    why: 'The file parses, but not necessarily as meant (e.g. an unknown tag).',
  },
  {
    id: 'yaml/input-limit',
    severity: 'error',
    title: 'Input beyond the linter limits',
    why: 'Too large or too deeply nested to be a values file; linting stops to stay fast.',
  },
  {
    id: 'values/not-a-map',
    severity: 'error',
    title: 'Values must be a map',
    why: 'A values file is a map of keys at its top level.',
  },
  {
    id: 'lint/internal',
    severity: 'warning',
    title: 'Internal linter error',
    why: 'A rule failed on this input; the rest of the results stand. Please report it.',
  },
  {
    id: 'schema/unknown-key',
    severity: 'error',
    title: 'Unknown key',
    why: 'The chart schema allows no other keys here: Helm rejects the file (often a typo).',
  },
  {
    id: 'schema/required',
    severity: 'error',
    title: 'Missing required key',
    why: 'The chart schema requires this key.',
  },
  {
    id: 'schema/type',
    severity: 'error',
    title: 'Wrong type',
    why: 'The chart schema expects another kind of value here.',
  },
  {
    id: 'schema/enum',
    severity: 'error',
    title: 'Value not allowed',
    why: 'The chart schema allows only the listed values.',
  },
  {
    id: 'schema/format',
    severity: 'error',
    title: 'Malformed value',
    why: 'The value or key does not have the form the chart schema requires.',
  },
  { id: 'schema/range', severity: 'error', title: 'Number out of range', why: 'The chart schema limits this number.' },
  {
    id: 'schema/length',
    severity: 'error',
    title: 'Wrong length',
    why: 'The chart schema limits the length of this value.',
  },
  {
    id: 'schema/shape',
    severity: 'error',
    title: 'Value of no allowed form',
    why: 'The value matches none of the forms the chart schema allows.',
  },
  { id: 'schema/invalid', severity: 'error', title: 'Schema violation', why: 'The chart schema rejects this value.' },
  {
    id: 'helm/fail',
    severity: 'error',
    title: 'Chart rejects the values (deep check)',
    why: "`helm template` stopped at one of the chart's own checks.",
  },
  {
    id: 'helm/schema',
    severity: 'error',
    title: 'Helm schema error (deep check)',
    why: '`helm template` rejected the values against the chart schema.',
  },
  {
    id: 'helm/error',
    severity: 'error',
    title: 'Helm failed (deep check)',
    why: '`helm template` could not run or failed for another reason.',
  },
];

const maxSyntaxErrors = 50;

export interface Raw extends Finding {
  rule: string;
  severity: Severity;
  fromSchema?: boolean;
}

function toDiagnostic(vd: ValuesDoc | undefined, text: string, f: Raw, file?: string): LintDiagnostic {
  const pos = (o: number): { line: number; col: number } => {
    if (vd) return vd.pos(o);
    const before = text.slice(0, o);
    const line = before.split('\n').length;
    return { line, col: o - before.lastIndexOf('\n') };
  };
  const start = Math.max(0, Math.min(f.range[0], text.length));
  const end = Math.max(start, Math.min(f.range[1], text.length));
  const a = pos(start);
  const b = pos(end);
  const d: LintDiagnostic = {
    line: a.line,
    column: a.col,
    endLine: b.line,
    endColumn: b.col,
    severity: f.severity,
    rule: f.rule,
    message: f.message.length > 1000 ? `${f.message.slice(0, 1000)}…` : f.message,
  }; // user values are quoted: keep them brief
  if (file !== undefined) d.file = file;
  if (f.fix) d.fix = f.fix;
  return d;
}

/** One string per path (numbers and strings stay apart). */
const pathKey = (p: Path): string => JSON.stringify(p);

/** Lints a values file's text. Never throws: internal failures become diagnostics. */
export function lintValues(text: string, opts: LintOptions = {}): LintDiagnostic[] {
  try {
    return run(String(text), opts);
  } catch (e) {
    return [
      toDiagnostic(
        undefined,
        '',
        { rule: 'lint/internal', severity: 'warning', range: [0, 0], message: `linter failed: ${errText(e)}` },
        opts.file,
      ),
    ];
  }
}

function errText(e: unknown): string {
  return errorMessage(e);
}

function run(text: string, opts: LintOptions): LintDiagnostic[] {
  const out: Raw[] = [];
  let vd: ValuesDoc;
  try {
    vd = new ValuesDoc(text);
  } catch (e) {
    const r = e instanceof InputRejected ? ([e.start, e.end] as const) : ([0, 0] as const);
    return [
      toDiagnostic(
        undefined,
        text,
        { rule: 'yaml/input-limit', severity: 'error', range: r, message: `not linted: ${errText(e)}` },
        opts.file,
      ),
    ];
  }
  for (const e of vd.doc.errors.slice(0, maxSyntaxErrors)) {
    out.push({
      rule: 'yaml/syntax',
      severity: 'error',
      range: [e.pos[0], Math.max(e.pos[1], e.pos[0])],
      message: e.message.split('\n')[0],
    });
  }
  for (const d of vd.duplicateKeys().slice(0, maxSyntaxErrors)) {
    out.push({
      rule: 'yaml/syntax',
      severity: 'error',
      range: d.range,
      message: `map keys must be unique: ${JSON.stringify(d.key)} appears again`,
    });
  }
  for (const w of vd.doc.warnings.slice(0, maxSyntaxErrors)) {
    out.push({
      rule: 'yaml/warning',
      severity: 'warning',
      range: [w.pos[0], w.pos[1]],
      message: w.message.split('\n')[0],
    });
  }
  if (out.some((f) => f.severity === 'error')) return finish(vd, out, opts);

  let values: unknown;
  try {
    values = toPlain(vd);
  } catch (e) {
    if (!(e instanceof InputRejected)) throw e;
    out.push({
      rule: 'yaml/input-limit',
      severity: 'error',
      range: [e.start, e.end],
      message: `not linted: ${e.message}`,
    });
    return finish(vd, out, opts);
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    const r = vd.doc.contents?.range;
    out.push({
      rule: 'values/not-a-map',
      severity: 'error',
      range: r ? [r[0], r[1]] : [0, 0],
      message: `a values file must be a map of keys, not ${Array.isArray(values) ? 'a list' : 'a single value'}`,
    });
    return finish(vd, out, opts);
  }
  return checkValues(vd, values as Record<string, unknown>, opts, out);
}

/** How a rule is run on a context: directly here; the incremental linter reuses per-service results. */
export type RuleRunner = (rule: Rule, ctx: RuleContext) => void;

export interface CheckHooks {
  runRule?: RuleRunner;
  /** Values the schema sees, given the merged ones; must give the same schema errors (the incremental linter leaves out services it knows are valid). */
  schemaValues?: (merged: unknown) => unknown;
}

const runDirectly: RuleRunner = (rule, ctx) => rule.check(ctx);

/**
 * The steps after a clean parse (rules, schema, positions), shared with the incremental linter so that both
 * report the same. `out` holds the findings so far (YAML warnings).
 */
export function checkValues(
  vd: ValuesDoc,
  plain: Record<string, unknown>,
  opts: LintOptions,
  out: Raw[] = [],
  hooks: CheckHooks = {},
): LintDiagnostic[] {
  const runRule = hooks.runRule ?? runDirectly;
  const ruleFindings: Raw[] = [];
  const ctxFor = (rule: Rule): RuleContext => ({
    vd,
    values: plain,
    report: (f) => ruleFindings.push({ ...f, rule: rule.id, severity: f.severity ?? rule.severity }),
  });
  for (const rule of opts.rules ?? allRules) {
    try {
      runRule(rule, ctxFor(rule));
    } catch (e) {
      out.push({
        rule: 'lint/internal',
        severity: 'warning',
        range: [0, 0],
        message: `rule ${rule.id} failed: ${errText(e)}`,
      });
    }
  }

  if (opts.schema !== false) {
    try {
      const merged = coalesce(opts.defaults ?? chartDefaults(), plain);
      // Paths the rules explain (indexed: a file with many findings would otherwise compare every pair).
      const exact = new Set<string>();
      const subtree = new Set<string>();
      for (const r of ruleFindings) {
        if (!r.path) continue;
        exact.add(pathKey(r.path));
        if (r.coversSubtree) subtree.add(pathKey(r.path));
      }
      const covered = (p: Path): boolean => {
        if (exact.has(pathKey(p))) return true;
        for (let n = 0; n <= p.length && subtree.size; n++) if (subtree.has(pathKey(p.slice(0, n)))) return true;
        return false;
      };
      for (const f of schemaFindings(vd, hooks.schemaValues ? hooks.schemaValues(merged) : merged)) {
        if (!covered(f.path)) out.push({ ...f, severity: 'error', fromSchema: true });
      }
    } catch (e) {
      out.push({
        rule: 'lint/internal',
        severity: 'warning',
        range: [0, 0],
        message: `schema validation failed: ${errText(e)}`,
      });
    }
  }
  out.push(...ruleFindings);
  return finish(vd, out, opts);
}

function finish(vd: ValuesDoc, raw: Raw[], opts: LintOptions): LintDiagnostic[] {
  return raw
    .map((f) => toDiagnostic(vd, vd.text, f, opts.file))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** Every rule the engine can report (engine, schema and rule modules). */
export function allRuleMeta(): RuleMeta[] {
  return [...engineRules, ...allRules.map(({ id, severity, title, why }) => ({ id, severity, title, why }))];
}
