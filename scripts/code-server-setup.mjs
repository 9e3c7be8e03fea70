// Installs the pinned code-server (real VS Code server) into .e2e/code-server for the e2e suite and the demo.
// Idempotent: a stamp holding the lockfile's hash skips the install when nothing changed.
// Offline traps handled here: npx prompts (npm_config_yes), @vscode/ripgrep's GitHub download (cache seeded with
// Debian's rg), its root check (unsafe-perm). ripgrep and libkrb5-dev come from apt (scripts/prepare.mjs).
// prepare.mjs imports codeServerReady() as its quick check.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'test', 'e2e', 'setup');
const target = join(root, '.e2e', 'code-server');
const tmp = join(root, '.e2e', 'tmp');
const stamp = join(target, '.installed');
const bin = join(target, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
// @vscode/ripgrep 1.15.11 (used by VS Code 1.100) looks here before downloading.
const rgCache = join(tmp, 'vscode-ripgrep-cache-1.15.11', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');

function fail(message) {
  console.error(`e2e:setup: ${message}`);
  process.exit(1);
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(join(pinned, 'package.json')))
    .update(readFileSync(join(pinned, 'package-lock.json')))
    .digest('hex');

/** Installed from the current pins: the stamp holds the hash of the pinned package.json and lockfile. */
export function codeServerReady() {
  return existsSync(stamp) && existsSync(bin) && readFileSync(stamp, 'utf8') === lockHash();
}

function main() {
  if (codeServerReady()) {
    console.log(`e2e:setup: code-server already installed in ${target}`);
    return;
  }
  if (process.versions.node.split('.')[0] !== '20')
    fail(`code-server 4.100.3 needs Node 20 (this is ${process.version})`);
  if (process.platform !== 'linux' || process.arch !== 'x64') fail('the pinned setup supports linux-x64 only');

  const rg = which('rg');
  if (!rg) fail('ripgrep is missing: run `apt-get install -y ripgrep` (code-server cannot download rg offline)');
  const started = Date.now();
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  mkdirSync(dirname(rgCache), { recursive: true });
  if (!existsSync(rgCache)) {
    const staging = mkdtempSync(join(tmp, 'rg-'));
    copyFileSync(rg, join(staging, 'rg'));
    run('tar', ['-czf', rgCache, '-C', staging, 'rg']);
    rmSync(staging, { recursive: true, force: true });
  }
  copyFileSync(join(pinned, 'package.json'), join(target, 'package.json'));
  writeFileSync(join(target, 'package-lock.json'), readFileSync(join(pinned, 'package-lock.json')));
  run('npm', ['ci', '--no-audit', '--no-fund', '--unsafe-perm'], {
    cwd: target,
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_update_notifier: 'false',
    },
  });
  if (!existsSync(bin)) fail(`install finished but ${bin} is missing`);
  const pty = join(
    target,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'node_modules',
    'node-pty',
    'build',
    'Release',
    'pty.node',
  );
  if (!existsSync(pty)) fail('node-pty did not build (terminals would not work); see the npm output above');
  writeFileSync(stamp, lockHash());
  console.log(`e2e:setup: code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
