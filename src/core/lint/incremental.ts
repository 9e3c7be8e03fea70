// Incremental lint for the editor: one object per open document, fed each new version of its text. It returns
// exactly what lintValues returns for that text, but parses again only the service entries whose text changed
// and reuses their per-service rule findings. Anything it cannot split safely takes the full lintValues path.
import { checkValues, lintValues, type LintOptions, type RuleRunner } from './engine';
import { limits, rangeOf, type ValuesDoc } from './document';
import { isObj, type Finding } from './rule';
import { rules as allRules } from './rules';
import { namedServices, serviceEntryValidator } from './schema';
import { assemble, movePiece, parsePiece, splitServices, type Piece } from './split';
import type { LintDiagnostic } from './types';

export interface IncrementalOptions {
  /** Below this many services the whole file is linted (it is fast then). Default 16. */
  readonly minServices?: number;
}

/** Offsets of the parts of one text, to move cached findings to another text with the same head and entry. */
interface Frame {
  /** The entry's start and end. */
  readonly cs: number;
  readonly ce: number;
  /** Where the services block starts and ends. */
  readonly bs: number;
  readonly be: number;
  readonly n: number;
}

interface Stored {
  readonly frame: Frame;
  readonly findings: readonly Finding[];
  /** The head generation they were made under, and the values of the head keys the rule reads (if it says). */
  readonly gen: number;
  readonly headKey?: string;
}

interface Entry {
  readonly piece: Piece | string;
  /** Per rule (by its index in the rule list): the findings of this service, where they were made. */
  readonly findings: (Stored | undefined)[];
  /** The service passes the schema on its own (merged with the chart defaults). */
  schemaOk?: boolean;
}

/**
 * An offset in `from` moved to `to`: inside the entry it moves with the entry, before the block it stays, after
 * the block it keeps its distance to the end. Undefined when it points elsewhere or its readings disagree. The
 * block's own edges count as elsewhere: what a rule makes there can depend on a neighbouring entry's text (e.g.
 * whether the file ends with a newline when the services come last).
 */
function moveOffset(x: number, from: Frame, to: Frame): number | undefined {
  let out: number | undefined;
  const take = (v: number): boolean => {
    if (out !== undefined && out !== v) return false;
    out = v;
    return true;
  };
  if (x >= from.cs && x <= from.ce && !take(x - from.cs + to.cs)) return undefined;
  if (x < from.bs && !take(x)) return undefined;
  if (x > from.be && !take(x - from.n + to.n)) return undefined;
  return out;
}

function moveFinding(f: Finding, from: Frame, to: Frame): Finding | undefined {
  const a = moveOffset(f.range[0], from, to);
  const b = moveOffset(f.range[1], from, to);
  if (a === undefined || b === undefined) return undefined;
  if (!f.fix) return { ...f, range: [a, b] };
  const edits = [];
  for (const e of f.fix.edits) {
    const s = moveOffset(e.start, from, to);
    const t = moveOffset(e.end, from, to);
    if (s === undefined || t === undefined) return undefined;
    edits.push({ ...e, start: s, end: t });
  }
  return { ...f, range: [a, b], fix: { ...f.fix, edits } };
}

function movable(findings: readonly Finding[], frame: Frame): boolean {
  return findings.every((f) => moveFinding(f, frame, frame) !== undefined);
}

/** A frame in which only offsets inside the entry can move (the head changed: nothing else is known to hold). */
function entryOnly(f: Frame): Frame {
  return { cs: f.cs, ce: f.ce - 1, bs: -1, be: Infinity, n: f.n };
}

/** The source of some top-level entries (key through value; "-" when absent): a cache key for what they say. */
function headSource(vd: ValuesDoc, keys: readonly string[]): string {
  return JSON.stringify(
    keys.map((k) => {
      const r = rangeOf(vd.pair(vd.root, k));
      return r ? vd.text.slice(r[0], r[1]) : '-';
    }),
  );
}

const none: readonly Finding[] = [];

export class IncrementalLinter {
  private entries = new Map<string, Entry>();
  /** The head text of the last lint and its generation (findings are kept per generation). */
  private head = '';
  private headGen = 0;
  private readonly minServices: number;
  /** How the last lint ran: 'incremental', or why it linted the whole file (for tests and benchmarks). */
  lastPath = '';
  /** Service entries the last lint parsed (the others were reused). */
  lastParsed = 0;
  /** Per-service rule runs in the last lint (the other services' findings were reused). */
  lastRuleRuns = 0;

  constructor(
    private readonly opts: LintOptions = {},
    tuning: IncrementalOptions = {},
  ) {
    this.minServices = tuning.minServices ?? 16;
  }

  lint(text: string): LintDiagnostic[] {
    text = String(text);
    let result: LintDiagnostic[] | string;
    try {
      result = this.tryIncremental(text);
    } catch (e) {
      result = `internal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
    if (typeof result !== 'string') {
      this.lastPath = 'incremental';
      return result;
    }
    this.lastPath = result;
    return lintValues(text, this.opts);
  }

  /** Drops every cached entry (memory only; results are the same either way). */
  reset(): void {
    this.entries.clear();
  }

  private tryIncremental(text: string): LintDiagnostic[] | string {
    if (text.length > limits.maxBytes) return 'too large';
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') return 'a lone carriage return';
    const split = splitServices(text);
    if (typeof split === 'string') return split;
    if (split.starts.length < this.minServices) return `fewer than ${this.minServices} services`;

    // Entries by text: unchanged ones keep their parse (moved to their new offset) and findings.
    this.lastParsed = 0;
    this.lastRuleRuns = 0;
    const next = new Map<string, Entry>();
    const pieces: Piece[] = [];
    const used: Entry[] = [];
    const frames: Frame[] = [];
    const names = new Map<string, Entry>();
    let problem: string | undefined;
    for (let i = 0; i < split.starts.length; i++) {
      const cs = split.starts[i];
      const ce = split.starts[i + 1] ?? split.blockEnd;
      const t = text.slice(cs, ce);
      if (next.has(t)) problem ??= 'two identical service entries';
      const tail = i + 1 < split.starts.length ? split.indent : 0;
      let entry = this.entries.get(t);
      if (!entry || (typeof entry.piece !== 'string' && entry.piece.tail !== tail)) {
        entry = { piece: parsePiece(t, tail), findings: [] };
        this.lastParsed++;
      }
      next.set(t, entry);
      const piece = entry.piece;
      if (typeof piece === 'string') {
        problem ??= piece;
        continue;
      }
      if (names.has(piece.name)) problem ??= 'a repeated service name';
      names.set(piece.name, entry);
      movePiece(piece, cs);
      pieces.push(piece);
      used.push(entry);
      frames.push({ cs, ce, bs: split.cut, be: split.blockEnd, n: text.length });
    }
    this.entries = next;
    if (problem) return problem;

    const head = text.slice(0, split.cut) + text.slice(split.blockEnd);
    const doc = assemble(text, split, pieces, head);
    if (typeof doc === 'string') return doc;
    if (head !== this.head) {
      this.head = head;
      this.headGen++;
    }
    const gen = this.headGen;

    const ruleIndex = new Map((this.opts.rules ?? allRules).map((rule, i) => [rule, i]));
    let failed = false;
    const runRule: RuleRunner = (rule, ctx) => {
      const perService = rule.perService;
      const ri = ruleIndex.get(rule);
      if (!perService || ri === undefined) {
        rule.check(ctx);
        return;
      }
      const headKey = rule.headKeys && headSource(doc.vd, rule.headKeys);
      const services = ctx.vd.services();
      if (services.length !== used.length) {
        failed = true;
        throw new Error('services out of step with the split');
      }
      for (let i = 0; i < services.length; i++) {
        const s = services[i];
        const entry = used[i];
        const frame = frames[i];
        if ((entry.piece as Piece).pair !== s.pair) {
          failed = true;
          throw new Error('services out of step with the split');
        }
        const stored = entry.findings[ri];
        // Same head: findings move with the entry (and offsets before or after the block stay put). Another
        // head with the same values of the keys the rule reads: only findings inside the entry can move.
        const from = !stored ? undefined : stored.gen === gen ? stored.frame : headKey !== undefined && stored.headKey === headKey ? entryOnly(stored.frame) : undefined;
        if (stored && from) {
          if (stored.findings.length === 0) continue;
          const reused = stored.findings.map((f) => moveFinding(f, from, frame));
          if (reused.every((f) => f !== undefined)) {
            for (const f of reused) ctx.report(f!);
            continue;
          }
        }
        // Reported straight through too, so that a rule that throws leaves what the full path leaves.
        const found: Finding[] = [];
        this.lastRuleRuns++;
        perService({ ...ctx, report: (f) => (found.push(f), ctx.report(f)) }, s);
        entry.findings[ri] = movable(found, frame) ? { frame, findings: found.length ? found : none, gen, headKey } : undefined;
      }
    };
    // The schema checks each service on its own: it needs to see only those that fail alone (and the ones it names).
    const check = serviceEntryValidator();
    const named = namedServices();
    const schemaValues = (merged: unknown): unknown => {
      if (!check || !isObj(merged) || !isObj(merged.services)) return merged;
      const services: Record<string, unknown> = {};
      const all = merged.services;
      for (const k in all) {
        if (!Object.prototype.hasOwnProperty.call(all, k)) continue;
        const v = all[k];
        const entry = names.get(k);
        if (entry && !named.has(k)) {
          entry.schemaOk ??= check(Object.defineProperty({}, k, { value: v, enumerable: true }));
          if (entry.schemaOk) continue;
        }
        Object.defineProperty(services, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return { ...merged, services };
    };
    const result = checkValues(doc.vd, doc.values, this.opts, [], { runRule, schemaValues });
    return failed ? 'internal: services out of step' : result;
  }
}
