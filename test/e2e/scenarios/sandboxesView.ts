// The Sandboxes view as a person sees it: the seeded releases, their pods with restarts / QoS / runtime class,
// and a crash injected in the simulator showing up as a restart without any manual refresh.
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { Shots } from '../harness/browser';
import { activityBarItem, expandRow, tree, treeRow, treeTexts, until } from '../harness/workbench';
import { seedNamespace } from '../seed';
import { sandboxesContainer, sandboxesTree, type ScenarioEnv } from './env';

/** Opens the view and returns once `release` is listed (expanding a namespace group if the tree has one). */
export async function showRelease(page: Page, release: string, timeoutMs = 30_000): Promise<void> {
  const item = activityBarItem(page, sandboxesContainer);
  if ((await item.getAttribute('aria-expanded').catch(() => null)) !== 'true') {
    const tree = page.locator(`.monaco-list[role="tree"][aria-label="${sandboxesTree}"]`);
    if (!(await tree.isVisible())) await item.click();
  }
  await until(
    `release ${release} in the Sandboxes view (rows: ${(await treeTexts(page, sandboxesTree)).join(' | ')})`,
    async () => {
      // Releases not installed by inspect sit under "Installed here (<chart>)"; the flat list groups by namespace.
      for (const group of [new RegExp(`^${seedNamespace}$`), /^Installed here/]) {
        const row = treeRow(page, sandboxesTree, group);
        if (await row.isVisible()) await expandRow(row);
      }
      return treeRow(page, sandboxesTree, new RegExp(`^${release}$`)).isVisible();
    },
    timeoutMs,
  );
}

/** Collapses the whole tree (the view's Collapse All), so rows of one release are the only ones with its labels. */
export async function collapseTree(page: Page): Promise<void> {
  // list.collapseAll (Ctrl+Left) on the focused tree; the title bar's Collapse All shows only while hovered. A
  // terminal that just opened can take the focus back before the key lands (it then goes to the shell): press it
  // only while the tree holds the focus, and again if the tree did not collapse. A tree re-rendered by a live
  // update can briefly have no rows: that is not "collapsed".
  const view = tree(page, sandboxesTree);
  const rows = view.locator('.monaco-list-row');
  const collapsed = async (): Promise<boolean> =>
    (await rows.count()) > 0 && (await view.locator('.monaco-list-row[aria-expanded="true"]').count()) === 0;
  for (let i = 0; i < 3 && !(await collapsed()); i++) {
    await view.focus();
    const focused = await view.evaluate((el) => el.contains(el.ownerDocument.activeElement)).catch(() => false);
    if (focused) await page.keyboard.press('Control+ArrowLeft');
    if (await until('the tree collapsed', collapsed, 3_000).catch(() => false)) return;
  }
  if (await collapsed()) return;
  await page
    .locator('.pane-header', { hasText: sandboxesTree })
    .first()
    .hover()
    .catch(() => undefined);
  const button = page.locator('.pane-header .action-label[aria-label^="Collapse All"]').first();
  if (await button.isVisible().catch(() => false)) await button.click();
}

/** The inspect/service of a pod of our chart: `<release>-<service>-<ordinal>`. */
export const serviceOf = (release: string, pod: string): string => pod.slice(release.length + 1).replace(/-\d+$/, '');

/** The description text of the row labelled exactly `label`. */
export async function rowDescription(page: Page, label: string): Promise<string> {
  const row = treeRow(page, sandboxesTree, new RegExp(`^${label}$`));
  return (await row.locator('.label-description').textContent()) ?? '';
}

export function sandboxesViewScenario(env: ScenarioEnv): void {
  describe('Sandboxes view', () => {
    const shots = new Shots('sandboxes-view');

    it('lists the seeded releases with ready counts', async () => {
      const page = env.page();
      for (const r of env.cluster().seeded) await showRelease(page, r.release);
      for (const r of env.cluster().seeded) {
        const desc = await until(`${r.release} ready`, async () => {
          const d = await rowDescription(page, r.release);
          return new RegExp(`${r.pods.length}/${r.pods.length} ready`).test(d) ? d : undefined;
        });
        assert.match(desc, /deployed/);
      }
      await shots.take(page, 'releases');
    });

    it('expands releases to pods showing QoS, runtime class and restarts', async () => {
      const page = env.page();
      // One release open at a time: service rows are labelled by inspect/service, which repeats across releases.
      await collapseTree(page);
      await showRelease(page, 'compose-burst');
      await expandRow(treeRow(page, sandboxesTree, /^compose-burst$/));
      for (const pod of env.cluster().podsOf('compose-burst')) {
        const service = serviceOf('compose-burst', pod);
        const d = await until(
          `${service} row`,
          async () =>
            (await treeRow(page, sandboxesTree, new RegExp(`^${service}$`)).isVisible()) &&
            rowDescription(page, service),
        );
        assert.match(d, /Burstable/, `${service}: ${d}`);
      }
      await collapseTree(page);
      await showRelease(page, 'oom-loop');
      await expandRow(treeRow(page, sandboxesTree, /^oom-loop$/));
      const runc = await until(
        'runc-specified row',
        async () =>
          (await treeRow(page, sandboxesTree, /^runc-specified$/).isVisible()) &&
          rowDescription(page, 'runc-specified'),
      );
      assert.match(runc, /runc/, "the runtime class that deviates from the release's");
      await shots.publish(page, 'sandboxes-tree');
    });

    it('shows a crash injected in the simulator as an OOMKilled restart, without a refresh', async () => {
      const page = env.page();
      const pod = 'swe-multi-default-0';
      await collapseTree(page);
      await showRelease(page, 'swe-multi');
      await expandRow(treeRow(page, sandboxesTree, /^swe-multi$/));
      await until(`${pod} listed`, () => treeRow(page, sandboxesTree, /^default$/).isVisible());
      assert.doesNotMatch(await rowDescription(page, 'default'), /↻/);
      env.cluster().kubelet.faults.crash(seedNamespace, pod, undefined, { reason: 'OOMKilled' });
      const d = await until(`${pod} to show the restart`, async () => {
        const text = await rowDescription(page, 'default');
        return /↻1 OOMKilled/.test(text) ? text : undefined;
      });
      assert.match(d, /↻1 OOMKilled/);
      assert.match(await rowDescription(page, 'swe-multi'), /1 restart/);
      await shots.take(page, 'crash-restart');
    });
  });
}
