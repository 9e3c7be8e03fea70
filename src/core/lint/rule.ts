// What a rule sees and how it reports.
import type { Path, ServiceEntry, ValuesDoc } from './document';
import type { Fix, RuleMeta, Severity } from './types';

export interface Finding {
  /** [start, end) offsets in the text. */
  readonly range: readonly [number, number];
  readonly message: string;
  /** Overrides the rule's default severity for this finding. */
  readonly severity?: Severity;
  readonly fix?: Fix;
  /** Value path the finding is about: schema errors at the same path are dropped as duplicates. */
  readonly path?: Path;
  /** Also drop schema errors below `path` (the finding explains them). */
  readonly coversSubtree?: boolean;
}

export interface RuleContext {
  readonly vd: ValuesDoc;
  /** The file's values as plain data (an object; `{}` for an empty file). */
  readonly values: Record<string, unknown>;
  report(f: Finding): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
  /**
   * Set by defineServiceRule: check() is this, once per service in file order. It may read that service and
   * everything outside `services:`, never another service: the incremental linter reuses a service's findings
   * while its text and the rest of the file are unchanged.
   */
  readonly perService?: (ctx: RuleContext, service: ServiceEntry) => void;
  /**
   * The top-level keys (outside `services:`) perService reads, when it says so; then a service's findings that
   * point only inside that service are kept while those keys' values are unchanged, even if the rest changes.
   */
  readonly headKeys?: readonly string[];
}

export function defineRule(meta: RuleMeta, check: (ctx: RuleContext) => void): Rule {
  return { ...meta, check };
}

/** A rule that looks at one service at a time (see Rule.perService). */
export function defineServiceRule(
  meta: RuleMeta,
  perService: (ctx: RuleContext, service: ServiceEntry) => void,
  headKeys?: readonly string[],
): Rule {
  return {
    ...meta,
    perService,
    headKeys,
    check: (ctx) => {
      for (const s of ctx.vd.services()) perService(ctx, s);
    },
  };
}

/** Narrowing helpers for plain values. */
export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asObj = (v: unknown): Record<string, unknown> => (isObj(v) ? v : {});

/** A name quoted for a message (JSON escapes make newlines and quotes visible). */
export const q = (s: string): string => JSON.stringify(s);
