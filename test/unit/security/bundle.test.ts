// Issue 10: "there is no shell string anywhere". Scans the extension bundle (built as scripts/build.mjs builds it)
// and a bundle of every module under src/ for child_process use: our code
// may only spawn with an argument array (no `shell`, no exec/execSync/fork); bundled dependencies may use only
// the calls listed here, each with the reason it is acceptable.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import aliases from '../../../scripts/shims/aliases.json';

const ROOT = resolve(__dirname, '..', '..', '..');

interface Use {
  /** The module the call is in (esbuild's `// path` header above each module). */
  module: string;
  fn: string;
  line: string;
}

/** Bundled dependencies' child_process calls that are known and acceptable (anything else fails the scan). */
const KNOWN_DEPENDENCY_USES: Record<string, { fns: string[]; why: string }> = {
  'node_modules/@kubernetes/client-node/dist/exec_auth.js': {
    fns: ['spawn'],
    why: 'exec credential plugins, argument array',
  },
  'node_modules/@kubernetes/client-node/dist/config.js': {
    fns: ['spawnSync'],
    why: 'wsl.exe on Windows, argument array',
  },
  // Shell strings, reachable only through a kubeconfig `auth-provider: gcp|azure` with cmd-path; the kubeconfig
  // loader must refuse those (see test/unit/security/kubeconfig.test.ts).
  'node_modules/@kubernetes/client-node/dist/gcp_auth.js': {
    fns: ['execSync'],
    why: 'legacy auth-provider (refused by our kubeconfig loader)',
  },
  'node_modules/@kubernetes/client-node/dist/azure_auth.js': {
    fns: ['execSync'],
    why: 'legacy auth-provider (refused by our kubeconfig loader)',
  },
};

/** Every child_process call in a non-minified esbuild bundle, with the module it comes from. */
function childProcessUses(code: string): { uses: Use[]; shellOptions: string[] } {
  const lines = code.split('\n');
  const bindings = new Set<string>();
  for (const m of code.matchAll(
    // `var x = require(...)` at top level, or `x = __toESM(require(...))` inside a lazily evaluated module.
    /(?:(?:var|const|let)\s+|^\s*)([\w$]+)\s*=\s*(?:__toESM\()?require\("(?:node:)?child_process"\)/gm,
  ))
    bindings.add(m[1]);
  const uses: Use[] = [];
  const shellOptions: string[] = [];
  let module = '?';
  for (const line of lines) {
    // Paths are relative to the working directory: `../../main/node_modules/…` when node_modules is a symlink.
    const header = /^\/\/ (?:\S*?\/)??((?:node_modules|src|webview)\/\S+)$/.exec(line.trim());
    if (header) module = header[1];
    for (const b of bindings) {
      for (const m of line.matchAll(new RegExp(`${b.replace(/\$/g, '\\$')}(?:\\.default)?\\.(\\w+)`, 'g')))
        uses.push({ module, fn: m[1], line: line.trim().slice(0, 200) });
    }
    // Destructured or direct imports: `{ spawn } = require(...)`, `exec(` after `import { exec }`.
    if (/require\("(?:node:)?child_process"\)/.test(line) && /\{[^}]*\}\s*=/.test(line))
      uses.push({ module, fn: `destructured: ${line.trim().slice(0, 120)}`, line });
    if (/\bshell\s*:\s*(?:true|!0|1\b|["'`])/.test(line)) shellOptions.push(`${module}: ${line.trim().slice(0, 200)}`);
  }
  return { uses, shellOptions };
}

function check(code: string, what: string): Use[] {
  const { uses, shellOptions } = childProcessUses(code);
  assert.deepEqual(shellOptions, [], `${what}: a shell option`);
  const ours = uses.filter((u) => !u.module.startsWith('node_modules/'));
  for (const u of ours)
    assert.equal(u.fn, 'spawn', `${what}: our code may only spawn (argument arrays): ${u.module}: ${u.line}`);
  for (const u of uses.filter((x) => x.module.startsWith('node_modules/'))) {
    const known = KNOWN_DEPENDENCY_USES[u.module];
    assert.ok(known && known.fns.includes(u.fn), `${what}: unexpected child_process.${u.fn} in ${u.module}: ${u.line}`);
  }
  return uses;
}

describe('security: no shell anywhere (bundle scan)', function () {
  this.timeout(120_000);

  it('every module under src/, bundled: child_process only as spawn with an argument array; no shell option', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
      }
    };
    walk(join(ROOT, 'src'));
    const out = await build({
      // Re-exported, so tree shaking keeps every function of every module.
      stdin: {
        contents: files.map((f, i) => `export * as m${i} from './${relative(ROOT, f)}';`).join('\n'),
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0].text;
    const uses = check(code, 'src bundle');
    // The scan is not blind: it finds client-node's own calls (the shell one included) in the same bundle.
    assert.ok(
      uses.some((u) => u.module.endsWith('gcp_auth.js') && u.fn === 'execSync'),
      'the scan finds execSync in client-node',
    );
    const ours = uses.filter((u) => u.module.startsWith('src/'));
    assert.ok(
      ours.some((u) => u.module === 'src/core/helm/runner.ts'),
      `the scan sees our spawn in the helm runner (${ours.map((u) => u.module).join(', ')})`,
    );
    // The runner passes shell: false explicitly and an argument array.
    assert.match(
      readFileSync(join(ROOT, 'src/core/helm/runner.ts'), 'utf8'),
      /spawn\(cmd\.command, cmd\.args, \{[^}]*shell: false/,
    );
  });

  it('the extension bundle (src/extension.ts as scripts/build.mjs bundles it, unminified): the same rules', async () => {
    // dist/ may hold the minified packaging build, where module headers are gone; bundle the same entry afresh.
    const out = await build({
      entryPoints: [join(ROOT, 'src', 'extension.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      alias: aliases,
      absWorkingDir: ROOT,
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0].text;
    assert.ok(code.includes('k8sSandbox.installSandbox'), 'the bundle registers the commands');
    const uses = check(code, 'extension bundle');
    assert.ok(uses.length > 0, 'the bundle does use child_process (helm)');
  });
});
