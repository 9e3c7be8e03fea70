import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import yauzl from 'yauzl';

const root = join(__dirname, '..', '..', '..');

function entries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const allowed = /^(dist\/[^/]+\.(js|css)|media\/.+|chart\/.+|package\.json|readme\.md|changelog\.md|license(\.txt)?)$/i;

describe('vsix packaging', function () {
  this.timeout(300_000);
  it('packages offline into a small vsix holding only what ships', async () => {
    const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const vsix = join(root, 'dist-vsix', 'k8s-sandbox.vsix');
    assert.ok(statSync(vsix).size <= 3 * 1024 * 1024, 'vsix over 3 MB');
    const files = (await entries(vsix))
      .filter((f) => f.startsWith('extension/'))
      .map((f) => f.slice('extension/'.length));
    const stray = files.filter((f) => !allowed.test(f));
    assert.deepEqual(stray, [], `unexpected files in vsix: ${stray.join(', ')}`);
    const lower = files.map((f) => f.toLowerCase());
    for (const f of ['dist/extension.js', 'dist/webview.js', 'package.json', 'readme.md', 'changelog.md']) {
      assert.ok(lower.includes(f), `${f} missing from vsix`);
    }
    assert.ok(
      lower.some((f) => f.startsWith('license')),
      'LICENSE missing',
    );
  });

  // A plain `vsce package`, no flags, in a copy of the checkout without dist/: vscode:prepublish builds the bundles,
  // package.json's repository lets vsce rewrite README's relative links, and its "vsce" key skips node_modules.
  it('a plain `npx vsce package` in a fresh copy builds and packages only what ships', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-vsce-'));
    try {
      const skip = /^(node_modules|\.git|dist|dist-vsix|out|\.tools|\.e2e|test-results|test|bench)(\/|$)/;
      cpSync(root, dir, { recursive: true, filter: (src) => !skip.test(relative(root, src)) });
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const r = spawnSync('npx', ['--no-install', 'vsce', 'package'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
      const files = (await entries(join(dir, `${pkg.name}-${pkg.version}.vsix`)))
        .filter((f) => f.startsWith('extension/'))
        .map((f) => f.slice('extension/'.length).toLowerCase());
      assert.deepEqual(
        files.filter((f) => !allowed.test(f)),
        [],
        'only the allow-list ships',
      );
      for (const f of [
        'dist/extension.js',
        'dist/lint-cli.js',
        'dist/relay-client.js',
        'dist/webview.js',
        'dist/webview.css',
        'readme.md',
        'chart/values.schema.json',
      ]) {
        assert.ok(files.includes(f), `${f} missing from vsix`);
      }
      assert.ok(
        !files.some((f) => /^(docs|src|webview|test|node_modules)\/|^contributing\.md$|\.map$/.test(f)),
        files.join(', '),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
