// Compiles the in-extension-host mocha suites (test/e2e/suite/*.ts) to CommonJS the extension host can load.
// Each file is bundled on its own with `vscode` and `mocha` left external (mocha resolves from node_modules).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { repoRoot, suiteOutDir } from './paths';

/** Builds into .e2e/suite-out/<pid>/ (inside the repo so `mocha` resolves; per process so runs can overlap). */
export function compileSuites(): string {
  const src = join(repoRoot, 'test', 'e2e', 'suite');
  const entries = readdirSync(src)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(src, f));
  const out = join(suiteOutDir, String(process.pid));
  rmSync(out, { recursive: true, force: true });
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  buildSync({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(out, 'index.js');
}
