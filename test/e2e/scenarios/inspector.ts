// The Sandbox Inspector from the tree: through Hubble Relay (the source it picks when port-forward is allowed), a
// name outside allowDomains is a DNS refusal row (our chart's sidecar answers NXDOMAIN) and an allowed name on a
// closed port a POLICY_DENIED drop; the Timeouts tab shows the release's risk level.
import { strict as assert } from 'node:assert';
import type { FrameLocator, Page } from 'playwright-core';
import { Shots } from '../harness/browser';
import { contextMenu, runCommand, treeRow, until } from '../harness/workbench';
import { deniedDomains, droppedTarget, seedNamespace } from '../seed';
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

    it('opens from the release context menu; through Hubble Relay it shows a DNS refusal and a dropped connection', async () => {
      const page = env.page();
      await showRelease(page, release);
      await contextMenu(page, treeRow(page, sandboxesTree, new RegExp(`^${release}$`)), 'Open Sandbox Inspector');
      const view = webview(page);
      await view.locator('#rows').waitFor({ state: 'attached', timeout: 30_000 });
      const pod = env.cluster().podsOf(release)[0];
      const agentCalls = (destination: { domain: string; port: number }) =>
        env
          .cluster()
          .kubelet.traffic.request({ namespace: seedNamespace, pod, destination: { ...destination, protocol: 'TCP' } });
      // Keep the agent calling until the panel shows the row (the streams attach asynchronously).
      const rowFor = (domain: string, call: () => Promise<unknown>) =>
        until(
          `a row for ${domain}`,
          async () => {
            await call();
            const r = view.locator('.drop-row:not(.head)', { hasText: domain }).first();
            return (await r.isVisible()) ? r : undefined;
          },
          30_000,
        );
      // A name outside allowDomains fails at DNS: the sidecar's NXDOMAIN, read from its log.
      const refusedName = deniedDomains[1];
      const refused = await rowFor(refusedName, () => agentCalls({ domain: refusedName, port: 443 }));
      assert.match(await refused.innerText(), /DNS_NXDOMAIN/);
      // An allowed name on a port it may not use: the SYNs are dropped.
      const { domain, port } = droppedTarget;
      const dropped = await rowFor(domain, () => agentCalls({ domain, port }));
      const text = await dropped.innerText();
      assert.match(text, /POLICY_DENIED/);
      assert.match(text, new RegExp(pod));
      assert.match(await view.locator('#net-source').innerText(), /^Source: Hubble Relay /);
      assert.equal(await view.locator('#net-source').getAttribute('data-source'), 'relay');
      assert.ok(
        await view.locator('.dest', { hasText: refusedName }).first().isVisible(),
        'summary by destination lists the refused name',
      );
      // The scenarios before it leave the panel open (terminal, Problems); the command exists only while it shows.
      if (await page.locator('.part.panel').first().isVisible()) await runCommand(page, 'View: Hide Panel');
      await shots.publish(page, 'workbench-inspector-relay-dns');
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
