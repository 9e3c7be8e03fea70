// Open Terminal on a container from the Sandboxes view: a shell in the pod (through the sim's exec), arithmetic
// echoed back, and the exit code reported when the shell ends. Reveal in Sandboxes from a terminal tab's context
// menu selects the pod of the terminal whose tab was right-clicked (alone in the panel title, then in the tab list).
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { Shots } from '../harness/browser';
import {
  clickUntil,
  expandRow,
  notification,
  runCommand,
  terminalTab,
  terminalTabMenu,
  terminalTabMenuLabels,
  terminalText,
  treeRow,
  treeRows,
  treeTexts,
  until,
  waitForTerminalText,
} from '../harness/workbench';
import { sandboxesTree, type ScenarioEnv } from './env';
import { collapseTree, serviceOf, showRelease } from './sandboxesView';

const exact = (s: string): RegExp => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Opens a shell in the first pod's service container of `release` from the tree; returns the pod. */
async function openShell(env: ScenarioEnv, release: string): Promise<string> {
  const page = env.page();
  const pod = env.cluster().podsOf(release)[0];
  // Shows the view (the scenario may run alone), then only this release open: its service names are not unique.
  await showRelease(page, release);
  await collapseTree(page);
  await showRelease(page, release);
  await expandRow(treeRow(page, sandboxesTree, exact(release)));
  // The pod's row is labelled by its inspect/service; its container has the same name, one level down.
  const named = treeRows(page, sandboxesTree).filter({
    has: page.locator('.label-name', { hasText: exact(serviceOf(release, pod)) }),
  });
  const podRow = named.first();
  await podRow.waitFor({ state: 'visible' });
  await expandRow(podRow);
  // The service container is listed first (the chart puts it before the CoreDNS sidecar).
  const container = named.nth(1);
  await container.waitFor({ state: 'visible' });
  const before = await terminalTab(page, pod).count();
  await clickUntil(
    container,
    `a shell in ${pod}`,
    async () => (await terminalTab(page, pod).count()) > before && (await terminalText(page)).trim().length > 0,
  );
  return pod;
}

/**
 * Whether `pod` is revealed: its row is the one selected row, labelled by its service, and the row it sits under
 * (the nearest row one level up) is its release. Other releases may be open too (their service names repeat).
 */
async function revealed(page: Page, release: string, pod: string): Promise<boolean> {
  const rows = await treeRows(page, sandboxesTree).evaluateAll((els) =>
    els.map((r) => ({
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      level: Number(r.getAttribute('aria-level')),
      selected: r.getAttribute('aria-selected') === 'true',
    })),
  );
  const selected = rows.flatMap((r, i) => (r.selected ? [i] : []));
  if (selected.length !== 1) return false;
  const row = rows[selected[0]];
  const parent = rows
    .slice(0, selected[0])
    .reverse()
    .find((r) => r.level === row.level - 1);
  return row.label === serviceOf(release, pod) && parent?.label === release;
}

export function terminalScenario(env: ScenarioEnv): void {
  describe('Open Terminal', () => {
    const shots = new Shots('terminal');

    it('opens a shell in the container: echo $((6*7)) prints 42, exit 3 reports exit code 3', async () => {
      const page = env.page();
      await openShell(env, 'agent-egress');
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

    it("Reveal in Sandboxes from a terminal tab's context menu selects that terminal's pod", async () => {
      const page = env.page();
      const [first, second] = ['agent-egress', 'swe-multi'];
      const rows = async (): Promise<string> => (await treeTexts(page, sandboxesTree)).join(' | ');
      try {
        const pod = await openShell(env, first);
        // Alone, the terminal's tab sits in the panel's title (a click opens its menu).
        await collapseTree(page);
        const release = treeRow(page, sandboxesTree, exact(first));
        const open = (await release.isVisible()) && (await release.getAttribute('aria-expanded')) === 'true';
        assert.ok(!open, `${first} is collapsed before Reveal (rows: ${await rows()})`);
        assert.ok(!(await revealed(page, first, pod)), `${pod} is not selected before Reveal (rows: ${await rows()})`);
        await terminalTabMenu(page, pod, /^Reveal in Sandboxes$/);
        await until(`${pod} revealed and selected (rows: ${await rows()})`, () => revealed(page, first, pod));
        await shots.take(page, 'tab-revealed');

        // A second terminal becomes the active one and both show in the tab list: the right-clicked tab's
        // terminal is revealed, not the active one.
        const other = await openShell(env, second);
        const listed = page.locator('.part.panel .tabs-list .monaco-list-row').filter({ visible: true });
        const single = page.locator('.part.panel .single-terminal-tab').filter({ visible: true });
        await until(
          'both terminals in the tab list (no single tab in the title)',
          async () => (await listed.count()) === 2 && (await single.count()) === 0,
        );
        assert.ok(await listed.filter({ hasText: pod }).isVisible(), `${pod} has a row in the tab list`);
        await collapseTree(page);
        assert.ok(!(await revealed(page, first, pod)), `${pod} is not selected before Reveal (rows: ${await rows()})`);
        await terminalTabMenu(page, pod, /^Reveal in Sandboxes$/);
        await until(`${pod} (not the active ${other}) revealed and selected (rows: ${await rows()})`, () =>
          revealed(page, first, pod),
        );
        await shots.take(page, 'tab-list-revealed');
      } finally {
        await runCommand(page, 'Terminal: Kill All Terminals');
      }
      // With no terminal of ours open, a plain shell's tab does not offer it.
      await runCommand(page, 'Terminal: Create New Terminal');
      try {
        await terminalTab(page, 'bash').waitFor({ state: 'visible' });
        const labels = await terminalTabMenuLabels(page, 'bash', /Kill Terminal/);
        assert.ok(!labels.includes('Reveal in Sandboxes'), `a plain terminal's tab menu: ${JSON.stringify(labels)}`);
      } finally {
        await runCommand(page, 'Terminal: Kill All Terminals');
      }
    });
  });
}
