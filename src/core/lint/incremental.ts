// Incremental lint for the editor: one object per open document, fed each new version of its text. It returns
// exactly what lintValues returns for that text, but parses again only the service entries whose text changed
// and reuses their per-service rule findings. Anything it cannot split safely takes the full lintValues path.
// A file seen for the first time is linted whole (cheaper than parsing each service alone); warm() then fills the
// per-service caches in small steps the caller schedules when idle.
import type { ValidateFunction } from 'ajv';
import { chartDefaults, coalesce } from './defaults';
import { limits } from './document';
import { checkValues, lintValues, type LintOptions, type RuleRunner } from './engine';
import { entryOnly, headSource, movable, moveFinding, type Frame, type Stored } from './frames';
import { isObj, type Finding, type Rule } from './rule';
import { rules as allRules } from './rules/registry';
import { namedServices, serviceEntryValidator } from './schema';
import {
  assemble,
  movePiece,
  parsePiece,
  splitServices,
  type Assembled,
  type Piece,
  type ServicesSplit,
} from './split';
import type { LintDiagnostic } from './types';

export interface IncrementalOptions {
  /** Below this many services the whole file is linted (it is fast then). Default 16. */
  readonly minServices?: number;
  /** The clock warm() measures its budget with, in ms (tests pass a counter). Default performance.now. */
  readonly now?: () => number;
}

interface Entry {
  readonly piece: Piece | string;
  /** Per rule (by its index in the rule list): the findings of this service, where they were made. */
  readonly findings: (Stored | undefined)[];
  /** The service passes the schema on its own (merged with the chart defaults). */
  schemaOk?: boolean;
  /** Its per-service checks have run once (for the cost estimate; reuse is still decided per rule). */
  primed?: boolean;
}

/** The per-service checks of one assembled text, run one service per warm-up step. */
interface Priming {
  readonly doc: Assembled;
  readonly used: readonly Entry[];
  readonly frames: readonly Frame[];
  readonly gen: number;
  readonly rules: readonly {
    readonly index: number;
    readonly perService: NonNullable<Rule['perService']>;
    readonly headKey?: string;
  }[];
  readonly schema?: {
    readonly check: ValidateFunction;
    readonly named: Set<string>;
    readonly services: Record<string, unknown>;
  };
  next: number;
}

/** Warm-up left for the last linted text: parse its entries (in file order), then prime each service. */
interface Plan {
  readonly text: string;
  readonly split: ServicesSplit;
  readonly texts: readonly string[];
  readonly tails: readonly number[];
  next: number;
  /** The per-service schema check is compiled (once per process: its own step, the longest one). */
  compiled?: boolean;
  prime?: Priming;
  /** Every service primed: one lint of the text from the caches is left (fills what whole-file rules memoize). */
  rehearse?: boolean;
}

const none: readonly Finding[] = [];

/**
 * Above this much missing work (an entry to parse counts 2, a service whose checks never ran counts 1) the lint
 * is whole: parsing each service alone costs about twice its share of one full parse.
 */
const coldLimit = (services: number): number => Math.max(8, services / 4);

export class IncrementalLinter {
  private entries = new Map<string, Entry>();
  /** The head text of the last lint and its generation (findings are kept per generation). */
  private head = '';
  private headGen = 0;
  private plan: Plan | undefined;
  private readonly minServices: number;
  private readonly now: () => number;
  /** How the last lint ran: 'incremental', or why it linted the whole file (for tests and benchmarks). */
  lastPath = '';
  /** Service entries the last lint parsed (the others were reused). */
  lastParsed = 0;
  /** Per-service rule runs in the last lint (the other services' findings were reused). */
  lastRuleRuns = 0;
  /** Steps the last warm() call did (see warm()). */
  lastWarmSteps = 0;
  /** Why warm-up stopped early on an internal error (results stay right: the lint then does the work). */
  warmFailure: string | undefined;

  constructor(
    private readonly opts: LintOptions = {},
    tuning: IncrementalOptions = {},
  ) {
    this.minServices = tuning.minServices ?? 16;
    this.now = tuning.now ?? (() => performance.now());
  }

  lint(text: string): LintDiagnostic[] {
    text = String(text);
    // Warm-up work belongs to one text; a lint moves the cached pieces to the new one.
    this.plan = undefined;
    let result: LintDiagnostic[] | string;
    try {
      result = this.tryIncremental(text);
    } catch (e) {
      this.plan = undefined;
      result = `internal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
    if (typeof result !== 'string') {
      this.lastPath = 'incremental';
      return result;
    }
    this.lastPath = result;
    return lintValues(text, this.opts);
  }

  /** True while warm() has work left for the last linted text. */
  get warming(): boolean {
    return this.plan !== undefined;
  }

  /**
   * Does warm-up work for the last linted text: at least one step, then more until `budgetMs` has passed. Each
   * step is small (one service parsed or checked; once, the document put together; once, a lint from the caches;
   * once per process, the schema check compiled). Returns whether work remains.
   * Never throws; a lint at any point gives the same results whether warm-up ran, partly ran or not at all.
   */
  warm(budgetMs = 0): boolean {
    this.lastWarmSteps = 0;
    const start = this.now();
    try {
      while (this.plan) {
        this.warmStep(this.plan);
        this.lastWarmSteps++;
        this.settle();
        if (this.now() - start >= budgetMs) break;
      }
    } catch (e) {
      this.plan = undefined;
      this.warmFailure = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
    return this.plan !== undefined;
  }

  /** Drops every cached entry (memory only; results are the same either way). */
  reset(): void {
    this.entries.clear();
    this.plan = undefined;
  }

  private usable(t: string, tail: number): Entry | undefined {
    const e = this.entries.get(t);
    return e && (typeof e.piece === 'string' || e.piece.tail === tail) ? e : undefined;
  }

  /** Skips work that is already done; once every service is primed, only the rehearsal lint is left. */
  private settle(): void {
    const plan = this.plan;
    if (!plan) return;
    if (!plan.prime) {
      while (plan.next < plan.texts.length && this.usable(plan.texts[plan.next], plan.tails[plan.next])) plan.next++;
      return;
    }
    const p = plan.prime;
    while (p.next < p.used.length && p.used[p.next].primed) p.next++;
    if (p.next >= p.used.length) plan.rehearse = true;
  }

  private warmStep(plan: Plan): void {
    if (plan.rehearse) {
      // As the next re-lint will run (results dropped), so that it finds service memos filled and its code warm.
      const { lastParsed, lastRuleRuns } = this;
      this.plan = undefined;
      this.tryIncremental(plan.text);
      this.plan = undefined;
      this.lastParsed = lastParsed;
      this.lastRuleRuns = lastRuleRuns;
      return;
    }
    if (!plan.prime && plan.next < plan.texts.length) {
      const i = plan.next++;
      this.entries.set(plan.texts[i], { piece: parsePiece(plan.texts[i], plan.tails[i]), findings: [] });
      return;
    }
    if (!plan.prime && !plan.compiled) {
      if (this.opts.schema !== false) serviceEntryValidator();
      plan.compiled = true;
      return;
    }
    if (!plan.prime) {
      const prime = this.startPriming(plan);
      if (prime) plan.prime = prime;
      else this.plan = undefined;
      return;
    }
    this.primeService(plan.prime, plan.prime.next++);
  }

  /** Puts the text together from its parsed entries, as a lint does; undefined when the lint would not be incremental. */
  private startPriming(plan: Plan): Priming | undefined {
    const { text, split, texts } = plan;
    const used: Entry[] = [];
    const pieces: Piece[] = [];
    const frames: Frame[] = [];
    const names = new Set<string>();
    const seen = new Set<Entry>();
    for (let i = 0; i < texts.length; i++) {
      const entry = this.usable(texts[i], plan.tails[i]);
      if (!entry || typeof entry.piece === 'string' || names.has(entry.piece.name) || seen.has(entry)) return undefined;
      names.add(entry.piece.name);
      seen.add(entry);
      const cs = split.starts[i];
      movePiece(entry.piece, cs);
      used.push(entry);
      pieces.push(entry.piece);
      frames.push({ cs, ce: split.starts[i + 1] ?? split.blockEnd, bs: split.cut, be: split.blockEnd, n: text.length });
    }
    const head = text.slice(0, split.cut) + text.slice(split.blockEnd);
    const doc = assemble(text, split, pieces, head);
    if (typeof doc === 'string') return undefined;
    const services = doc.vd.services();
    if (services.length !== pieces.length || services.some((s, i) => s.pair !== pieces[i].pair)) return undefined;
    if (head !== this.head) {
      this.head = head;
      this.headGen++;
    }
    const rules: Priming['rules'][number][] = [];
    (this.opts.rules ?? allRules).forEach((rule, index) => {
      if (rule.perService)
        rules.push({ index, perService: rule.perService, headKey: rule.headKeys && headSource(doc.vd, rule.headKeys) });
    });
    let schema: Priming['schema'];
    const check = this.opts.schema === false ? undefined : serviceEntryValidator();
    if (check) {
      const merged = coalesce(this.opts.defaults ?? chartDefaults(), doc.values);
      if (isObj(merged) && isObj(merged.services))
        schema = { check, named: namedServices(), services: merged.services };
    }
    return { doc, used, frames, gen: this.headGen, rules, schema, next: 0 };
  }

  /** What a lint would compute for this service and keep: its per-service findings and its own schema check. */
  private primeService(p: Priming, i: number): void {
    const entry = p.used[i];
    const s = p.doc.vd.services()[i];
    const frame = p.frames[i];
    for (const r of p.rules) {
      const found: Finding[] = [];
      try {
        r.perService({ vd: p.doc.vd, values: p.doc.values, report: (f) => found.push(f) }, s);
      } catch {
        continue; // the lint runs it again and reports the failure as the full lint does
      }
      entry.findings[r.index] = movable(found, frame)
        ? { frame, findings: found.length ? found : none, gen: p.gen, headKey: r.headKey }
        : undefined;
    }
    const sc = p.schema;
    if (sc && !sc.named.has(s.name) && Object.prototype.hasOwnProperty.call(sc.services, s.name)) {
      entry.schemaOk ??= sc.check(Object.defineProperty({}, s.name, { value: sc.services[s.name], enumerable: true }));
    }
    entry.primed = true;
  }

  private tryIncremental(text: string): LintDiagnostic[] | string {
    if (text.length > limits.maxBytes) return 'too large';
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1))
      if (text[i + 1] !== '\n') return 'a lone carriage return';
    const split = splitServices(text);
    if (typeof split === 'string') return split;
    if (split.starts.length < this.minServices) return `fewer than ${this.minServices} services`;

    this.lastParsed = 0;
    this.lastRuleRuns = 0;
    const n = split.starts.length;
    const texts = new Array<string>(n);
    const tails = new Array<number>(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      texts[i] = text.slice(split.starts[i], split.starts[i + 1] ?? split.blockEnd);
      tails[i] = i + 1 < n ? split.indent : 0;
      const e = this.usable(texts[i], tails[i]);
      missing += !e ? 2 : e.primed ? 0 : 1;
    }
    // Too much to do here (a file just opened, or most of it pasted): lint it whole, warm() catches up later.
    if (missing > coldLimit(n)) {
      const kept = new Map<string, Entry>();
      for (const t of texts) {
        const e = this.entries.get(t);
        if (e) kept.set(t, e);
      }
      this.entries = kept;
      this.plan = { text, split, texts, tails, next: 0 };
      this.settle();
      return `warming up (${missing} units of work missing for ${n} services)`;
    }

    // Entries by text: unchanged ones keep their parse (moved to their new offset) and findings.
    const next = new Map<string, Entry>();
    const pieces: Piece[] = [];
    const used: Entry[] = [];
    const frames: Frame[] = [];
    const names = new Map<string, Entry>();
    let problem: string | undefined;
    for (let i = 0; i < n; i++) {
      const cs = split.starts[i];
      const ce = split.starts[i + 1] ?? split.blockEnd;
      const t = texts[i];
      if (next.has(t)) problem ??= 'two identical service entries';
      const tail = tails[i];
      let entry = this.usable(t, tail);
      if (!entry) {
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
        const from = !stored
          ? undefined
          : stored.gen === gen
            ? stored.frame
            : headKey !== undefined && stored.headKey === headKey
              ? entryOnly(stored.frame)
              : undefined;
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
        entry.findings[ri] = movable(found, frame)
          ? { frame, findings: found.length ? found : none, gen, headKey }
          : undefined;
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
    if (failed) return 'internal: services out of step';
    for (const e of used) e.primed = true;
    return result;
  }
}
