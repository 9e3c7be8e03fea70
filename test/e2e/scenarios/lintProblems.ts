// An invalid values file: the Problems panel lists the diagnostic at the right line, the quick fix (Ctrl+.)
// applies, and the error disappears.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Shots } from '../harness/browser';
import { openFile, problems, until } from '../harness/workbench';
import type { ScenarioEnv } from './env';

export function lintProblemsScenario(env: ScenarioEnv): void {
  describe('values lint in the editor', () => {
    const shots = new Shots('lint-problems');

    it('lists the invalid service name in Problems at line 2; the quick fix clears it', async () => {
      const page = env.page();
      // A copy, so the shared fixture in the workspace stays as it is for other scenarios.
      const dir = join(env.session().workspace, 'e2e-ui');
      mkdirSync(dir, { recursive: true });
      copyFileSync(
        join(env.session().workspace, 'invalid', 'invalid-service-name-values.yaml'),
        join(dir, 'values.yaml'),
      );
      await openFile(page, 'e2e-ui/values.yaml');
      const rows = await problems(page);
      const row = rows.filter({ hasText: /service name/i }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /Ln 2\b/, `Problems row: ${text}`);
      assert.match(text, /k8s-sandbox/, `Problems row: ${text}`);
      await shots.publish(page, 'lint-problems');

      // Jump to the problem (click), then Quick Fix… (Ctrl+.) and take the preferred fix.
      await row.dblclick();
      await page.locator('.monaco-editor.focused').first().waitFor({ state: 'visible' });
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget .monaco-list-row.action, .action-widget .monaco-list-row');
      await menu.first().waitFor({ state: 'visible' });
      await shots.take(page, 'quick-fix-menu');
      // The menu takes keys (a pointer block covers it while it opens): move to the fix, Enter applies it.
      await until('the rename fix to be focused', async () => {
        const focused = await menu
          .and(page.locator('.focused'))
          .first()
          .innerText()
          .catch(() => '');
        if (/Rename the service/i.test(focused)) return true;
        await page.keyboard.press('ArrowDown');
        return false;
      });
      await page.keyboard.press('Enter');
      await until(
        'the service-name problem to disappear',
        async () => (await rows.filter({ hasText: /service name/i }).count()) === 0,
      );
      const line2 = await page.locator('.monaco-editor .view-line').nth(1).innerText();
      assert.doesNotMatch(line2, /unsafe\\nname/);
      await shots.take(page, 'fixed');
      await page.keyboard.press('Control+S');
    });
  });
}
