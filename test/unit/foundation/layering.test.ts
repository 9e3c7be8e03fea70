// The layering lint rules and the cycle check fail on deliberate violations. Each case lints a file in a temp tree
// that uses the repo's own eslint.config.mjs and tsconfig.json, so the rules are tested exactly as `npm run lint` runs them.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-layering-'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const f of ['eslint.config.mjs', 'tsconfig.json']) copyFileSync(join(root, f), join(dir, f));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

// Minimal targets so every import resolves and the type-aware rules have types.
const targets: Record<string, string> = {
  'src/core/kube/emitter.ts': 'export const core = 1;\n',
  'src/core/errors.ts': 'export const errors = 1;\n',
  'src/platform/ui.ts': 'export const ui = 1;\n',
  'src/protocol/inspector.ts': 'export const protocol = 1;\n',
  'src/protocol/guard.ts': 'export const guard = 1;\n',
  'src/features/terminal/index.ts': 'export const terminal = 1;\n',
  'src/features/terminal/podTerminal.ts': 'export const podTerminal = 1;\n',
  'src/features/commands/index.ts': 'export const commands = 1;\n',
  'src/features/commands/shared.ts': 'export const shared = 1;\n',
  'src/features/inspector/index.ts': 'export const inspector = 1;\n',
  'src/services.ts': 'export const services = 1;\n',
};

// file -> [source, the rule that must fire]
const violations: Record<string, [string, string]> = {
  'src/core/kube/toFeatures.ts': [
    "import { inspector } from '../../features/inspector';\nexport const x = inspector;\n",
    'no-restricted-imports',
  ],
  'src/core/kube/toPlatform.ts': [
    "import { ui } from '../../platform/ui';\nexport const x = ui;\n",
    'no-restricted-imports',
  ],
  'src/core/toServices.ts': [
    "import { services } from '../services';\nexport const x = services;\n",
    'no-restricted-imports',
  ],
  'src/core/toVscode.ts': ["import * as vscode from 'vscode';\nexport const x = vscode;\n", 'no-restricted-imports'],
  'src/platform/toFeatures.ts': [
    "import { terminal } from '../features/terminal';\nexport const x = terminal;\n",
    'no-restricted-imports',
  ],
  'src/protocol/toCore.ts': [
    "import { errors } from '../core/errors';\nexport const x = errors;\n",
    'no-restricted-imports',
  ],
  'src/features/inspector/deep.ts': [
    "import { podTerminal } from '../terminal/podTerminal';\nexport const x = podTerminal;\n",
    'no-restricted-imports',
  ],
  'src/features/inspector/toCommands.ts': [
    "import { commands } from '../commands';\nexport const x = commands;\n",
    'no-restricted-imports',
  ],
  'src/features/inspector/toCommandsDeep.ts': [
    "import { shared } from '../commands/shared';\nexport const x = shared;\n",
    'no-restricted-imports',
  ],
  'src/services2.ts': [
    "import { commands } from './features/commands';\nexport const x = commands;\n",
    'no-restricted-imports',
  ],
  'webview/toCore.ts': [
    "import { errors } from '../src/core/errors';\nexport const x = errors;\n",
    'no-restricted-imports',
  ],
  'webview/toFeatures.ts': [
    "import { inspector } from '../src/features/inspector';\nexport const x = inspector;\n",
    'no-restricted-imports',
  ],
  'src/core/floating.ts': [
    'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
    '@typescript-eslint/no-floating-promises',
  ],
  'webview/floating.ts': [
    'async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
    '@typescript-eslint/no-floating-promises',
  ],
  'src/features/terminal/misused.ts': [
    'export function g(): void {\n  [1].forEach(async () => {});\n  if (Promise.resolve(1)) g();\n}\n',
    '@typescript-eslint/no-misused-promises',
  ],
};

// What the layering allows: none of these may be flagged.
const allowed: Record<string, string> = {
  'src/core/kube/ok.ts':
    "import { core } from './emitter';\nimport { errors } from '../errors';\nimport { protocol } from '../../protocol/inspector';\nexport const x = [core, errors, protocol];\n",
  'src/platform/ok.ts':
    "import { core } from '../core/kube/emitter';\nimport * as vscode from 'vscode';\nexport const x = [core, vscode];\n",
  'src/protocol/ok.ts': "import { guard } from './guard';\nexport const x = guard;\n",
  'src/features/inspector/ok.ts':
    "import { terminal } from '../terminal';\nimport { ui } from '../../platform/ui';\nimport { protocol } from '../../protocol/inspector';\nimport { services } from '../../services';\nexport const x = [terminal, ui, protocol, services];\n",
  'src/features/commands/ok.ts':
    "import { shared } from './shared';\nimport { terminal } from '../terminal';\nexport const x = [shared, terminal];\n",
  'src/extension.ts':
    "import { commands } from './features/commands';\nimport { inspector } from './features/inspector';\nexport const x = [commands, inspector];\n",
  'webview/ok.ts':
    "import { protocol } from '../src/protocol/inspector';\nexport const x = protocol;\nvoid Promise.resolve(x);\n",
};

describe('layering lint rules and cycle check', function () {
  this.timeout(300_000);
  let dir = '';
  let results = new Map<string, string[]>();

  before(async () => {
    dir = tree({ ...targets, ...Object.fromEntries(Object.entries(violations).map(([f, [t]]) => [f, t])), ...allowed });
    const eslint = new ESLint({ cwd: dir });
    const out = await eslint.lintFiles([...Object.keys(violations), ...Object.keys(allowed)]);
    results = new Map(
      out.map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]),
    );
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const [file, [, ruleId]] of Object.entries(violations)) {
    it(`flags ${file} (${ruleId})`, () => {
      const messages = results.get(file) ?? [];
      assert.ok(
        messages.some((m) => m.startsWith(`${ruleId}: `)),
        `${file}: expected ${ruleId}, got ${JSON.stringify(messages)}`,
      );
    });
  }

  for (const file of Object.keys(allowed)) {
    it(`allows ${file}`, () => assert.deepEqual(results.get(file), []));
  }

  it('dpdm fails on an import cycle and passes without one', () => {
    const cyc = tree({
      'src/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'src/c.ts': "import { a } from './a';\nexport const c = a;\n",
    });
    try {
      const run = (entry: string) =>
        spawnSync(
          process.execPath,
          [
            join(root, 'node_modules', 'dpdm', 'lib', 'bin', 'dpdm.js'),
            '--no-warning',
            '--no-tree',
            '-T',
            '--exit-code',
            'circular:1',
            entry,
          ],
          { cwd: cyc, encoding: 'utf8' },
        );
      const bad = run('src/c.ts');
      assert.equal(bad.status, 1, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /src\/a\.ts -> src\/b\.ts/);
      writeFileSync(join(cyc, 'src/b.ts'), 'export const b = () => 1;\n');
      const good = run('src/c.ts');
      assert.equal(good.status, 0, good.stdout + good.stderr);
    } finally {
      rmSync(cyc, { recursive: true, force: true });
    }
  });
});
