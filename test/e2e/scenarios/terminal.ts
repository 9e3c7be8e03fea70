// Open Terminal on a container from the Sandboxes view: a shell in the pod (through the sim's exec), arithmetic
// echoed back, and the exit code reported when the shell ends.
import { strict as assert } from 'node:assert';
import { Shots } from '../harness/browser';
import {
  clickUntil,
  expandRow,
  notification,
  terminalText,
  treeRow,
  treeRows,
  waitForTerminalText,
} from '../harness/workbench';
import { sandboxesTree, type ScenarioEnv } from './env';
import { collapseTree, serviceOf, showRelease } from './sandboxesView';

export function terminalScenario(env: ScenarioEnv): void {
  describe('Open Terminal', () => {
    const shots = new Shots('terminal');

    it('opens a shell in the container: echo $((6*7)) prints 42, exit 3 reports exit code 3', async () => {
      const page = env.page();
      const release = 'agent-egress';
      const pod = env.cluster().podsOf(release)[0];
      await collapseTree(page);
      await showRelease(page, release);
      await expandRow(treeRow(page, sandboxesTree, new RegExp(`^${release}$`)));
      // The pod's row is labelled by its inspect/service; its container has the same name, one level down.
      const named = treeRows(page, sandboxesTree).filter({
        has: page.locator('.label-name', { hasText: new RegExp(`^${serviceOf(release, pod)}$`) }),
      });
      const podRow = named.first();
      await podRow.waitFor({ state: 'visible' });
      await expandRow(podRow);
      // The service container is listed first (the chart puts it before the CoreDNS sidecar).
      const container = named.nth(1);
      await container.waitFor({ state: 'visible' });
      await clickUntil(container, 'the shell prompt', async () => (await terminalText(page)).trim().length > 0);
      await page
        .locator('.terminal-wrapper.active .xterm-helper-textarea, .terminal .xterm-helper-textarea')
        .last()
        .focus();
      await page.keyboard.type('echo $((6*7))\n');
      const text = await waitForTerminalText(page, /^42\s*$/m);
      assert.match(text, /^42\s*$/m);
      await shots.publish(page, 'terminal');
      await page.keyboard.type('exit 3\n');
      const end = await waitForTerminalText(page, /exit code 3/);
      assert.match(end, /Shell ended with exit code 3/);
      await shots.take(page, 'exit-3');
      // Any key other than Enter closes the terminal; VS Code then reports the process's exit code.
      await page.keyboard.press('q');
      const toast = notification(page, /terminated with exit code: 3/);
      await toast.waitFor({ state: 'visible' });
      await toast
        .locator('.codicon-notifications-clear, .codicon-close')
        .first()
        .click()
        .catch(() => undefined);
    });
  });
}
