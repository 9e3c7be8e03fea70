// The chart's own values.yaml: Helm validates the user's values merged onto it, so the linter does the same.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The chart folder beside the bundle (dist/../chart) or beside the sources (src/core/lint/../../../chart). */
export function findChartDir(): string | undefined {
  for (const dir of [join(__dirname, '..', 'chart'), join(__dirname, '..', '..', '..', 'chart')]) {
    if (existsSync(join(dir, 'values.schema.json')) && existsSync(join(dir, 'values.yaml'))) return dir;
  }
  return undefined;
}

let cached: Record<string, unknown> | undefined;

/** The chart's default values; `{}` if the chart cannot be found or read. */
export function chartDefaults(): Record<string, unknown> {
  if (cached) return cached;
  try {
    const dir = findChartDir();
    const v: unknown = dir ? parse(readFileSync(join(dir, 'values.yaml'), 'utf8'), { version: '1.1' }) : {};
    cached = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    cached = {};
  }
  return cached;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Helm's coalescing: user values win, maps merge recursively, lists are replaced; a user null deletes a key the
 * chart has (a null under a key the chart lacks stays null, as in Helm).
 */
export function coalesce(defaults: unknown, user: unknown): unknown {
  if (user === undefined || user === null) return defaults;
  if (!isMap(user) || !isMap(defaults)) return user;
  const out: Record<string, unknown> = { ...user };
  for (const [k, d] of Object.entries(defaults)) {
    if (!Object.prototype.hasOwnProperty.call(user, k)) out[k] = d;
    else if (user[k] === null) delete out[k];
    else if (isMap(user[k]) && isMap(d)) out[k] = coalesce(d, user[k]);
  }
  return out;
}
