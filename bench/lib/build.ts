// The production bundle (scripts/build.mjs --production, as `npm run package` makes it), built once per run in
// the run's temp dir (dist/ untouched), and the bench's extension host (bench/ext/host.ts) bundled beside it.
// A profiling run (--cpu-prof=DIR) builds without --production instead, so profiles name the functions.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Context } from './context';
import { ROOT } from './rpc';

export interface Built {
  /** The scratch dir whose dist/ holds the production build. */
  dir: string;
  extension: string;
  /** bench/ext/host.ts as one plain-node script. */
  host: string;
}

let built: Promise<Built> | undefined;

/** `readable`: without --production (not minified), so a CPU profile names the functions. */
async function build(runDir: string, readable: boolean): Promise<Built> {
  const dir = join(runDir, 'build');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (const name of ['src', 'webview', 'scripts', 'node_modules', 'package.json', 'tsconfig.json'])
    symlinkSync(join(ROOT, name), join(dir, name));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs', ...(readable ? [] : ['--production'])], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`production build failed (${code}): ${err.slice(-2000)}`)),
    );
  });
  const host = join(dir, 'bench-host.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', 'ext', 'host.ts')],
    outfile: host,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return { dir, extension: join(dir, 'dist', 'extension.js'), host };
}

export function productionBuild(ctx: Context): Promise<Built> {
  built ??= build(ctx.dir, ctx.cpuProf !== undefined);
  return built;
}
