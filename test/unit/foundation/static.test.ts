import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

// CI runs only `npm test`, so the strict type check and the linter are held to clean here.
describe('static checks', function () {
  this.timeout(300_000);
  for (const script of ['typecheck', 'lint']) {
    it(`npm run ${script} is clean`, () => {
      const r = spawnSync('npm', ['run', script, '--silent'], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    });
  }
});
