// The shared Hubble samples (copied from ../shared/fixtures/hubble into samples/, with their README and licence note).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HUBBLE_DIR = resolve(__dirname, 'samples');

export function sampleFiles(): string[] {
  return readdirSync(HUBBLE_DIR)
    .filter((f) => /^\d\d.*\.(json|jsonl)$/.test(f))
    .sort();
}

export function sampleLines(file: string): string[] {
  return readFileSync(join(HUBBLE_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

export function sample(prefix: string): string {
  const f = sampleFiles().find((n) => n.startsWith(prefix));
  if (!f) throw new Error(`no sample ${prefix}`);
  return sampleLines(f)[0];
}
