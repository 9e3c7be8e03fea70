// The benchmark record (one per measured figure) and the table printed on stdout.
import { round } from './stats';

export type Better = 'higher' | 'lower';

export interface Result {
  /** 1..7 as in the issue; 0 for the simulated cluster's own figure. */
  benchmark: number;
  name: string;
  unit: string;
  ours: number | null;
  /** Our p95 and p99 where `ours` is a median of a distribution. */
  p95?: number;
  p99?: number;
  peer: number | null;
  /** What the peer figure is (e.g. "kubectl 1.35.2 exec"). */
  peerName?: string;
  /** How many times better ours is than the peer (> 1: ours better); null when undefined (no peer, or ours is 0). */
  ratio: number | null;
  target: string;
  /** null when there is no target for this figure. */
  met: boolean | null;
  detail?: Record<string, unknown>;
}

export interface Figure {
  benchmark: number;
  name: string;
  unit: string;
  better: Better;
  ours: number;
  /** The distribution `ours` is the median of (adds p95/p99). */
  spread?: { p95: number; p99: number };
  peer?: number;
  peerName?: string;
  target?: string;
  /** Decides `met` from ours and the ratio; absent: no target. */
  meets?: (ours: number, ratio: number | null) => boolean;
  detail?: Record<string, unknown>;
}

export function advantage(better: Better, ours: number, peer: number | undefined): number | null {
  if (peer === undefined || !Number.isFinite(peer) || !Number.isFinite(ours)) return null;
  if (better === 'higher') return peer === 0 ? null : ours / peer;
  return ours === 0 ? null : peer / ours;
}

export function result(f: Figure): Result {
  const ratio = advantage(f.better, f.ours, f.peer);
  return {
    benchmark: f.benchmark,
    name: f.name,
    unit: f.unit,
    ours: round(f.ours, 2),
    ...(f.spread ? { p95: round(f.spread.p95, 2), p99: round(f.spread.p99, 2) } : {}),
    peer: f.peer === undefined ? null : round(f.peer, 2),
    ...(f.peerName ? { peerName: f.peerName } : {}),
    ratio: ratio === null ? null : round(ratio, 2),
    target: f.target ?? '',
    met: f.meets ? f.meets(f.ours, ratio) : null,
    ...(f.detail ? { detail: f.detail } : {}),
  };
}

/** A benchmark that could not run: recorded, never silently missing from the table. */
export function failed(benchmark: number, name: string, unit: string, target: string, error: unknown): Result {
  const message = error instanceof Error ? error.message : String(error);
  return {
    benchmark,
    name,
    unit,
    ours: null,
    peer: null,
    ratio: null,
    target,
    met: target ? false : null,
    detail: { error: message },
  };
}

const num = (v: number | null): string => {
  if (v === null) return '–';
  const a = Math.abs(v);
  if (a !== 0 && a < 0.1) return v.toPrecision(2);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(round(v, a >= 100 ? 0 : a >= 10 ? 1 : 2));
};

function ratioText(r: Result): string {
  if (r.ratio !== null) return `${num(r.ratio)}×`;
  if (r.ours === 0 && r.peer !== null && r.peer > 0) return '∞';
  return '–';
}

export function table(results: readonly Result[]): string {
  const head = ['#', 'Benchmark', 'Unit', 'Ours', 'Ours p95 / p99', 'Peer', 'Peer is', 'Ours vs peer', 'Target', 'Met'];
  const rows = results.map((r) => [
    r.benchmark === 0 ? 'sim' : String(r.benchmark),
    r.name,
    r.unit,
    num(r.ours),
    r.p95 === undefined ? '' : `${num(r.p95)} / ${num(r.p99 ?? null)}`,
    num(r.peer),
    r.peerName ?? '',
    ratioText(r),
    r.target,
    r.met === null ? '' : r.met ? 'yes' : 'not met',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}
