// `npm run demo` from a fresh clone: prepares what is missing (scripts/prepare.mjs --demo), packages, then runs
// test/e2e/demo.ts (simulated cluster + code-server with the extension). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, npm_config_yes: 'true' };

function step(what, args, quiet = false) {
  console.log(`demo: ${what}…`);
  const r = spawnSync('npm', args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', env, encoding: 'utf8' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout}${r.stderr}`);
    console.error(`demo: \`npm ${args.join(' ')}\` failed`);
    process.exit(1);
  }
}

const prep = spawnSync(process.execPath, [join(root, 'scripts', 'prepare.mjs'), '--demo'], {
  cwd: root,
  stdio: 'inherit',
  env,
});
if (prep.status !== 0) process.exit(1);
step('building and packaging the extension', ['run', 'package', '--silent'], true);

// The demo handles SIGINT itself (stops the cluster and code-server); this wrapper only waits for it.
const child = spawn(
  join(root, 'node_modules', '.bin', 'tsx'),
  [join(root, 'test', 'e2e', 'demo.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env,
  },
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
