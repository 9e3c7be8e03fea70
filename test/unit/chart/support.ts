// Runs the real helm binaries against the chart and parses what they render. Renders are memoised, so the
// suites can start everything at once in a `before` hook and then assert synchronously.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmBinary, type HelmVersion } from '../../support/tools';

export const chartDir = join(__dirname, '../../../chart');
// The shared folder sits beside the checkout (/work/shared next to /work/main; <clone>/../shared in CI).
export const fixturesDir = join(__dirname, '../../../../shared/fixtures/agent-env-values');
export const invalidDir = join(fixturesDir, 'invalid');

/** Valid fixtures: every YAML at the top level except the compose source. */
export const validFixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.yaml') && !f.includes('compose-source'))
  .sort();
export const invalidFixtures = readdirSync(invalidDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

export interface HelmResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// helm keeps config/cache/data under these; a private home keeps runs independent of the user's setup.
let helmHome: string | undefined;
function helmEnv(): NodeJS.ProcessEnv {
  helmHome ??= mkdtempSync(join(tmpdir(), 'chart-test-helm-'));
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
}

/** Removes the private helm home (call from an `after` hook). */
export function cleanupHelmHome(): void {
  if (helmHome) rmSync(helmHome, { recursive: true, force: true });
  helmHome = undefined;
}

const memo = new Map<string, Promise<HelmResult>>();

/** Runs helm with an argument array (never a shell); the same call is run once. */
export function helm(version: HelmVersion, args: readonly string[]): Promise<HelmResult> {
  const key = `${version}\0${args.join('\0')}`;
  let p = memo.get(key);
  if (!p) {
    p = new Promise<HelmResult>((resolve, reject) => {
      const child = spawn(helmBinary(version), args, { env: helmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    memo.set(key, p);
  }
  return p;
}

export const templateArgs = (release: string, files: readonly string[], sets: readonly string[] = []): string[] => [
  'template',
  release,
  chartDir,
  '--namespace',
  'sandbox-ns',
  ...files.flatMap((f) => ['-f', f]),
  ...sets.flatMap((s) => ['--set', s]),
];

export const lintArgs = (files: readonly string[]): string[] => [
  'lint',
  '--strict',
  chartDir,
  ...files.flatMap((f) => ['-f', f]),
];

// Loose view of a Kubernetes object: tests read fields by path and assert their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** Parses helm's multi-document output; empty documents are dropped, YAML errors throw. */
export function parseManifests(text: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value as Obj);
  }
  return out;
}

/** Renders and parses; fails with helm's stderr when the render fails. */
export async function render(
  version: HelmVersion,
  release: string,
  files: readonly string[],
  sets: readonly string[] = [],
): Promise<Obj[]> {
  const r = await helm(version, templateArgs(release, files, sets));
  if (r.code !== 0) throw new Error(`helm ${version} template failed (${r.code}): ${r.stderr}`);
  return parseManifests(r.stdout);
}

export const ofKind = (objs: readonly Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);

export function byName(objs: readonly Obj[], kind: string, name: string): Obj {
  const found = objs.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in [${objs.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}]`);
  return found;
}
