import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';

const root = join(__dirname, '..', '..', '..');

function entries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => { names.push(e.fileName); zip.readEntry(); });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('vsix packaging', function () {
  this.timeout(120_000);
  it('packages offline into a small vsix holding only what ships', async () => {
    const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const vsix = join(root, 'dist-vsix', 'k8s-sandbox.vsix');
    assert.ok(statSync(vsix).size <= 3 * 1024 * 1024, 'vsix over 3 MB');
    const files = (await entries(vsix)).filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    const allowed = /^(dist\/[^/]+\.(js|css)|media\/.+|chart\/.+|package\.json|readme\.md|changelog\.md|license(\.txt)?)$/i;
    const stray = files.filter((f) => !allowed.test(f));
    assert.deepEqual(stray, [], `unexpected files in vsix: ${stray.join(', ')}`);
    const lower = files.map((f) => f.toLowerCase());
    for (const f of ['dist/extension.js', 'dist/webview.js', 'package.json', 'readme.md', 'changelog.md']) {
      assert.ok(lower.includes(f), `${f} missing from vsix`);
    }
    assert.ok(lower.some((f) => f.startsWith('license')), 'LICENSE missing');
  });
});
