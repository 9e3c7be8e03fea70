// The Sandboxes view as a person sees it: the seeded releases, their pods with restarts / QoS / runtime class,
// and a crash injected in the simulator showing up as a restart without any manual refresh.
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { Shots } from '../harness/browser';
import { activityBarItem, expandRow, treeRow, treeTexts, until } from '../harness/workbench';
import { seedNamespace } from '../seed';
import { sandboxesContainer, sandboxesTree, type ScenarioEnv } from './env';

/** Opens the view and returns once `release` is listed (expanding a namespace group if the tree has one). */
export async function showRelease(page: Page, release: string, timeoutMs = 30_000): Promise<void> {
  const item = activityBarItem(page, sandboxesContainer);
  if ((await item.getAttribute('aria-expanded').catch(() => null)) !== 'true') {
    const tree = page.locator(`.monaco-list[role="tree"][aria-label="${sandboxesTree}"]`);
    if (!(await tree.isVisible())) await item.click();
  }
  await until(`release ${release} in the Sandboxes view (rows: ${(await treeTexts(page, sandboxesTree)).join(' | ')})`, async () => {
    const ns = treeRow(page, sandboxesTree, new RegExp(`^${seedNamespace}$`));
    if (await ns.isVisible()) await expandRow(ns);
    return treeRow(page, sandboxesTree, new RegExp(`^${release}$`)).isVisible();
  }, timeoutMs);
}

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
      for (const release of ['compose-burst', 'oom-loop']) {
        await showRelease(page, release);
        await expandRow(treeRow(page, sandboxesTree, new RegExp(`^${release}$`)));
      }
      const pods = env.cluster().podsOf('compose-burst');
      for (const pod of pods) {
        const d = await until(`${pod} row`, async () => (await treeRow(page, sandboxesTree, pod).isVisible()) && rowDescription(page, pod));
        assert.match(d, /Running/);
        assert.match(d, /Burstable/, `${pod}: ${d}`);
        assert.match(d, /gvisor/, `${pod}: ${d}`);
      }
      const runc = await rowDescription(page, 'oom-loop-runc-specified-0');
      assert.match(runc, /Guaranteed · runc/);
      await shots.publish(page, 'sandboxes-tree');
    });

    it('shows a crash injected in the simulator as an OOMKilled restart, without a refresh', async () => {
      const page = env.page();
      const pod = 'swe-multi-default-0';
      await showRelease(page, 'swe-multi');
      await expandRow(treeRow(page, sandboxesTree, /^swe-multi$/));
      await until(`${pod} listed`, () => treeRow(page, sandboxesTree, pod).isVisible());
      assert.doesNotMatch(await rowDescription(page, pod), /restart/);
      env.cluster().kubelet.faults.crash(seedNamespace, pod, undefined, { reason: 'OOMKilled' });
      const d = await until(`${pod} to show the restart`, async () => {
        const text = await rowDescription(page, pod);
        return /1 restart \(OOMKilled/.test(text) ? text : undefined;
      });
      assert.match(d, /1 restart \(OOMKilled/);
      assert.match(await rowDescription(page, 'swe-multi'), /1 restart/);
      await shots.take(page, 'crash-restart');
    });
  });
}
