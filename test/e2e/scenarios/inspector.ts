// The Sandbox Inspector from the tree: drops generated in the simulator render as rows in the webview, and the
// Timeouts tab shows the release's risk level.
import { strict as assert } from 'node:assert';
import type { FrameLocator, Page } from 'playwright-core';
import { Shots } from '../harness/browser';
import { contextMenu, runCommand, treeRow, until } from '../harness/workbench';
import { droppedTarget, seedNamespace } from '../seed';
import { sandboxesTree, type ScenarioEnv } from './env';
import { showRelease } from './sandboxesView';

/** A webview's content: VS Code nests it in an outer iframe (.webview) and an inner #active-frame. */
function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

export function inspectorScenario(env: ScenarioEnv): void {
  describe('Sandbox Inspector', () => {
    const shots = new Shots('inspector');
    const release = 'agent-egress';

    it('opens from the release context menu and renders rows for generated drops', async () => {
      const page = env.page();
      await showRelease(page, release);
      await contextMenu(page, treeRow(page, sandboxesTree, new RegExp(`^${release}$`)), 'Open Sandbox Inspector');
      const view = webview(page);
      await view.locator('#rows').waitFor({ state: 'attached', timeout: 30_000 });
      const pod = env.cluster().podsOf(release)[0];
      // An allowed name on a port it may not use: the SYNs are dropped (names outside allowDomains fail at DNS).
      const { domain, port } = droppedTarget;
      // Keep the agent calling until the panel shows the drop (the stream attaches asynchronously).
      const row = await until(
        `a drop row for ${domain}`,
        async () => {
          await env
            .cluster()
            .kubelet.traffic.request({ namespace: seedNamespace, pod, destination: { domain, port, protocol: 'TCP' } });
          const r = view.locator('.drop-row:not(.head)', { hasText: domain }).first();
          return (await r.isVisible()) ? r : undefined;
        },
        30_000,
      );
      const text = await row.innerText();
      assert.match(text, /POLICY_DENIED/);
      assert.match(text, new RegExp(pod));
      assert.ok(
        await view.locator('.dest', { hasText: domain }).first().isVisible(),
        'summary by destination lists the domain',
      );
      await runCommand(page, 'View: Hide Panel');
      await shots.publish(page, 'workbench-inspector-drops');
    });

    it('shows the risk level on the Timeouts tab', async () => {
      const page = env.page();
      const view = webview(page);
      await view.locator('vscode-tab-header[data-tab="timeouts"]').click();
      const level = view.locator('#risk-level');
      await level.waitFor({ state: 'visible' });
      assert.equal((await level.innerText()).trim(), 'medium');
      await shots.take(page, 'timeouts');
    });
  });
}
