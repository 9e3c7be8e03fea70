import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { helmBinary, helmVersions, kubectlBinary, kubectlVersions } from '../../support/tools';

describe('real test tools', () => {
  for (const v of helmVersions) {
    it(`helm ${v} runs and reports its version`, () => {
      const r = spawnSync(helmBinary(v), ['version', '--short'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^v${v.replace(/\./g, '\\.')}\\+`));
    });
  }
  for (const v of kubectlVersions) {
    it(`kubectl ${v} runs and reports its version`, () => {
      const r = spawnSync(kubectlBinary(v), ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).clientVersion.gitVersion, `v${v}`);
    });
  }
});
