// scripts/prepare.mjs, the real script, run on a temp directory shaped like a clone. PATH holds only shims of npm and
// apt-get that log each call and leave what the real command would (node_modules' lock record, .tools binaries, the
// code-server stamp, dist, dpkg's status): anything else the script tried to spawn would fail. The script's two seams
// stand in for the system: a sysroot with etc/os-release and var/lib/dpkg/status, and the user id.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { helmVersions, kubectlVersions } from '../../support/tools';

const repo = join(__dirname, '..', '..', '..');
const allPackages = ['ripgrep', 'libkrb5-dev', 'chromium', 'python3-kubernetes'];

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const stanza = (name: string): string => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\n\n`;

const shim = (log: string, body: string): string => `#!${process.execPath}
const fs = require('node:fs'), path = require('node:path');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([path.basename(process.argv[1]), ...args].join(' ')) + '\\n');
if (process.env.SHIM_FAIL === args.join(' ')) process.exit(3);
const put = (f, text) => { fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, text); };
${body}
`;

interface Clone {
  dir: string;
  run(
    mode: '--test' | '--demo',
    opts?: { uid?: number; fail?: string },
  ): { status: number | null; stdout: string; stderr: string; spawned: string[] };
}

function makeClone(base: string, installed: string[], debian = true): Clone {
  const dir = join(base, 'k');
  const sysroot = join(base, 'sysroot');
  const shims = join(base, 'shims');
  const log = join(base, 'spawned.log');
  for (const f of ['prepare.mjs', 'tools.mjs', 'code-server-setup.mjs'])
    write(join(dir, 'scripts', f), readFileSync(join(repo, 'scripts', f), 'utf8'));
  write(join(dir, 'package.json'), '{"name":"k","version":"0.0.0"}\n');
  write(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'k',
      lockfileVersion: 3,
      packages: {
        '': { name: 'k' },
        'node_modules/mocha': { version: '11.8.0', dev: true },
        'node_modules/@esbuild/linux-arm64': { version: '0.28.2', optional: true },
      },
    }),
  );
  write(join(dir, 'test', 'e2e', 'setup', 'package.json'), '{"dependencies":{"code-server":"4.100.3"}}\n');
  write(join(dir, 'test', 'e2e', 'setup', 'package-lock.json'), '{"lockfileVersion":3}\n');
  write(join(dir, 'src', 'extension.ts'), 'export {};\n');
  write(join(dir, 'webview', 'main.ts'), 'export {};\n');
  write(join(dir, 'scripts', 'build.mjs'), '\n');
  write(join(dir, 'tsconfig.json'), '{}\n');
  if (debian) write(join(sysroot, 'etc', 'os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n');
  if (debian) write(join(sysroot, 'var', 'lib', 'dpkg', 'status'), installed.map(stanza).join(''));
  const status = join(sysroot, 'var', 'lib', 'dpkg', 'status');
  const tools = [...helmVersions.map((v) => `helm-${v}/helm`), ...kubectlVersions.map((v) => `kubectl-${v}/kubectl`)];
  write(
    join(shims, 'apt-get'),
    shim(
      log,
      `
if (args[0] === 'install') for (const p of args.slice(1).filter((a) => !a.startsWith('-'))) fs.appendFileSync(${JSON.stringify(status)}, ${JSON.stringify(stanza('@'))}.replace('@', p));`,
    ),
  );
  write(
    join(shims, 'npm'),
    shim(
      log,
      `
const at = (...p) => path.join(process.cwd(), ...p);
if (args[0] === 'ci') put(at('node_modules', '.package-lock.json'), fs.readFileSync(at('package-lock.json')));
if (args[1] === 'tools') for (const t of ${JSON.stringify(tools)}) put(at('.tools', t), '');
if (args[1] === 'e2e:setup') {
  const hash = require('node:crypto').createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) hash.update(fs.readFileSync(at('test', 'e2e', 'setup', f)));
  put(at('.e2e', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'), '');
  put(at('.e2e', 'code-server', '.installed'), hash.digest('hex'));
}
if (args[1] === 'build') for (const f of ['extension.js', 'lint-cli.js', 'webview.js']) put(at('dist', f), '');`,
    ),
  );
  spawnSync('chmod', ['+x', join(shims, 'apt-get'), join(shims, 'npm')]);
  return {
    dir,
    run(mode, opts = {}) {
      rmSync(log, { force: true });
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'prepare.mjs'), mode], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          PATH: shims,
          K8S_SANDBOX_PREPARE_SYSROOT: sysroot,
          K8S_SANDBOX_PREPARE_UID: String(opts.uid ?? 0),
          ...(opts.fail ? { SHIM_FAIL: opts.fail } : {}),
        },
      });
      const spawned = existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string)
        : [];
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, spawned };
    },
  };
}

describe('prepare.mjs (what npm test and npm run demo run first)', function () {
  this.timeout(60_000);
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'prepare-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /** A clone the first run prepared completely (every package installed, as root). */
  function prepared(): Clone {
    const clone = makeClone(base, allPackages);
    assert.equal(clone.run('--test').status, 0);
    return clone;
  }

  it('on a fresh clone as root installs the missing apt packages, then npm ci, tools, code-server and the build; the second run spawns nothing', () => {
    const clone = makeClone(base, ['ripgrep', 'libkrb5-dev']);
    const first = clone.run('--test');
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.spawned, [
      'apt-get update -qq',
      'apt-get install -y -qq chromium python3-kubernetes',
      'npm ci --no-audit --no-fund',
      'npm run tools --silent',
      'npm run e2e:setup --silent',
      'npm run build --silent',
    ]);
    assert.match(first.stdout, /^prepare: installing system packages: chromium python3-kubernetes$/m);
    const second = clone.run('--test');
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.spawned, []);
    assert.equal(second.stdout + second.stderr, '');
  });

  it('runs npm ci when node_modules is missing or no longer matches package-lock.json', () => {
    const clone = prepared();
    rmSync(join(clone.dir, 'node_modules'), { recursive: true });
    assert.deepEqual(clone.run('--test').spawned, ['npm ci --no-audit --no-fund']);
    const lockFile = join(clone.dir, 'package-lock.json');
    writeFileSync(lockFile, readFileSync(lockFile, 'utf8').replace('11.8.0', '11.9.0'));
    assert.deepEqual(clone.run('--demo').spawned, ['npm ci --no-audit --no-fund']);
    // The lockfile is a build input too (bundled dependency versions).
    assert.deepEqual(clone.run('--test').spawned, ['npm run build --silent']);
  });

  it('never runs npm ci over a linked node_modules (a shared install) that is stale: says where to run it', () => {
    const clone = prepared();
    const shared = join(base, 'shared-node_modules');
    mkdirSync(shared);
    rmSync(join(clone.dir, 'node_modules'), { recursive: true });
    symlinkSync(shared, join(clone.dir, 'node_modules'));
    const r = clone.run('--test');
    assert.equal(r.status, 1);
    assert.deepEqual(r.spawned, []);
    assert.match(
      r.stderr,
      /node_modules is a link to an install that does not match package-lock\.json: run `npm ci` where it points/,
    );
  });

  it('runs only the tools step when a pinned binary is missing, and only e2e:setup when the code-server pins change', () => {
    const clone = prepared();
    rmSync(join(clone.dir, '.tools', `kubectl-${kubectlVersions[1]}`), { recursive: true });
    assert.deepEqual(clone.run('--test').spawned, ['npm run tools --silent']);
    write(join(clone.dir, 'test', 'e2e', 'setup', 'package-lock.json'), '{"lockfileVersion":3,"changed":true}\n');
    assert.deepEqual(clone.run('--demo').spawned, ['npm run e2e:setup --silent']);
  });

  it('rebuilds when dist is older than a source, for tests only', () => {
    const clone = prepared();
    const earlier = new Date(Date.now() - 60_000);
    for (const f of ['extension.js', 'lint-cli.js', 'webview.js'])
      utimesSync(join(clone.dir, 'dist', f), earlier, earlier);
    assert.deepEqual(clone.run('--demo').spawned, []);
    assert.deepEqual(clone.run('--test').spawned, ['npm run build --silent']);
    assert.deepEqual(clone.run('--test').spawned, []);
  });

  it('as non-root prints the exact apt-get command and fails for test packages, spawning nothing; the demo does not need them', () => {
    const clone = makeClone(base, ['ripgrep', 'libkrb5-dev']);
    const r = clone.run('--test', { uid: 1000 });
    assert.equal(r.status, 1);
    assert.deepEqual(r.spawned, []);
    assert.equal(
      r.stderr,
      'prepare: missing system packages chromium, python3-kubernetes: run `sudo apt-get update && sudo apt-get install -y chromium python3-kubernetes`\n',
    );
    const demo = clone.run('--demo', { uid: 1000 });
    assert.equal(demo.status, 0, demo.stderr);
    assert.deepEqual(demo.spawned, [
      'npm ci --no-audit --no-fund',
      'npm run tools --silent',
      'npm run e2e:setup --silent',
    ]);
  });

  it('as non-root fails the demo too when ripgrep is missing', () => {
    const clone = makeClone(base, ['libkrb5-dev', 'chromium', 'python3-kubernetes']);
    const r = clone.run('--demo', { uid: 1000 });
    assert.equal(r.status, 1);
    assert.deepEqual(r.spawned, []);
    assert.match(r.stderr, /run `sudo apt-get update && sudo apt-get install -y ripgrep`/);
  });

  it('stops at the first failing step with its command', () => {
    const clone = makeClone(base, allPackages);
    const r = clone.run('--test', { fail: 'run tools --silent' });
    assert.equal(r.status, 1);
    assert.deepEqual(r.spawned, ['npm ci --no-audit --no-fund', 'npm run tools --silent']);
    assert.match(r.stderr, /^prepare: `npm run tools --silent` failed \(exit 3\)$/m);
  });

  it('off Debian/Ubuntu names the packages to install instead of checking them', () => {
    const clone = makeClone(base, [], false);
    const r = clone.run('--test', { uid: 1000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.spawned.some((s) => s.startsWith('apt-get')));
    assert.match(
      r.stdout,
      /^prepare: not Debian\/Ubuntu, so not checking system packages: install ripgrep libkrb5-dev chromium python3-kubernetes \(Debian names\) yourself$/m,
    );
  });
});
