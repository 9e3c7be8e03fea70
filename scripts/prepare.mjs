// Everything `npm test` (--test) and `npm run demo` (--demo) need on a fresh clone, in order: Debian packages (apt-get
// as root, else one line naming the command), `npm ci`, the real helm/kubectl, the pinned code-server and, for tests,
// the build. Dependency-free (it runs before node_modules exists). Each step's check reads files and spawns nothing,
// so on a prepared clone this is a no-op of a few milliseconds.
// Seams for test/unit/prepare (the real system when unset): K8S_SANDBOX_PREPARE_SYSROOT holds etc/os-release and
// var/lib/dpkg/status; K8S_SANDBOX_PREPARE_UID stands for the user id.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerReady } from './code-server-setup.mjs';
import { missingTools } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sysroot = process.env.K8S_SANDBOX_PREPARE_SYSROOT || '/';
const uid = process.env.K8S_SANDBOX_PREPARE_UID ? Number(process.env.K8S_SANDBOX_PREPARE_UID) : process.getuid?.();
const env = {
  ...process.env,
  DEBIAN_FRONTEND: 'noninteractive',
  npm_config_yes: 'true',
  npm_config_update_notifier: 'false',
};

/** Debian package → who needs it. */
const systemPackages = {
  ripgrep: 'demo', // code-server's search; its own download of rg is offline-blocked, so setup seeds it from Debian's
  'libkrb5-dev': 'demo', // code-server's kerberos module compiles against it
  chromium: 'test', // webview and e2e suites drive /usr/bin/chromium
  'python3-kubernetes': 'test', // the Python kubernetes client used by the suites that check against it
};
// What the build reads; dist older than any of these is rebuilt.
const buildInputs = ['src', 'webview', 'scripts/build.mjs', 'scripts/shims', 'tsconfig.json', 'package-lock.json'];
const buildOutputs = ['dist/extension.js', 'dist/lint-cli.js', 'dist/webview.js'];

const mode = process.argv[2];
if (mode !== '--test' && mode !== '--demo') {
  console.error('usage: node scripts/prepare.mjs --test|--demo');
  process.exit(2);
}
const forTests = mode === '--test';
const started = Date.now();
let worked = false;

function fail(message) {
  console.error(`prepare: ${message}`);
  process.exit(1);
}

function run(cmd, args) {
  worked = true;
  console.log(`prepare: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0)
    fail(`\`${cmd} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
}

function readOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Names from `wanted` that dpkg does not list as installed. */
function notInstalled(wanted, dpkgStatus) {
  const installed = new Set();
  for (const stanza of dpkgStatus.split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
    if (name && /^Status: install ok installed$/m.test(stanza)) installed.add(name);
  }
  return wanted.filter((p) => !installed.has(p));
}

function systemStep() {
  const wanted = Object.keys(systemPackages).filter((p) => forTests || systemPackages[p] === 'demo');
  const osRelease = readOr(join(sysroot, 'etc', 'os-release'), '');
  const dpkgStatus = readOr(join(sysroot, 'var', 'lib', 'dpkg', 'status'), undefined);
  const debian = /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(osRelease) && dpkgStatus !== undefined;
  if (!debian) {
    console.log(
      `prepare: not Debian/Ubuntu, so not checking system packages: install ${wanted.join(' ')} (Debian names) yourself`,
    );
    return;
  }
  const missing = notInstalled(wanted, dpkgStatus);
  if (missing.length === 0) return;
  if (uid !== 0)
    fail(
      `missing system packages ${missing.join(', ')}: run \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\``,
    );
  console.log(`prepare: installing system packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing]);
}

/** node_modules holds exactly what package-lock.json pins (npm's own record of the install, optional deps aside). */
function nodeModulesCurrent() {
  const hidden = readOr(join(root, 'node_modules', '.package-lock.json'), undefined);
  if (hidden === undefined) return false;
  const want = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const have = JSON.parse(hidden).packages ?? {};
  for (const [path, pkg] of Object.entries(want)) {
    if (path && (have[path] ? have[path].version !== pkg.version : !pkg.optional)) return false;
  }
  return Object.keys(have).every((path) => path in want);
}

function npmStep() {
  if (nodeModulesCurrent()) return;
  const nm = join(root, 'node_modules');
  // A linked node_modules is someone else's install (worktrees share one): never wipe it from here.
  if (existsSync(nm) && lstatSync(nm).isSymbolicLink())
    fail(`${nm} is a link to an install that does not match package-lock.json: run \`npm ci\` where it points`);
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function newest(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function buildStep() {
  const outputs = buildOutputs.map((f) => statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  if (Math.min(...outputs) > Math.max(...buildInputs.map((f) => newest(join(root, f))))) return;
  run('npm', ['run', 'build', '--silent']);
}

systemStep();
npmStep();
if (missingTools().length > 0) run('npm', ['run', 'tools', '--silent']);
if (!codeServerReady()) run('npm', ['run', 'e2e:setup', '--silent']);
if (forTests) buildStep();
if (worked)
  console.log(
    `prepare: ready in ${Math.round((Date.now() - started) / 1000)} s (node_modules, .tools, .e2e${forTests ? ', dist' : ''})`,
  );
