// The cluster goes away: the tree says so with a Retry action instead of spinning; once the API server is back,
// Retry brings the sandboxes back. Runs last (it disturbs every watch).
import { strict as assert } from 'node:assert';
import { Shots } from '../harness/browser';
import { treeRow, treeTexts, until } from '../harness/workbench';
import { sandboxesTree, type ScenarioEnv } from './env';
import { showRelease } from './sandboxesView';

export function unreachableScenario(env: ScenarioEnv): void {
  describe('cluster unreachable and back', () => {
    const shots = new Shots('unreachable');
    let stopped = false;

    after(async () => {
      if (stopped) await env.cluster().sim.faults.startListening();
    });

    it('shows "Cannot reach the cluster" with Retry when the API server stops', async () => {
      const page = env.page();
      await showRelease(page, 'swe-multi');
      await env.cluster().sim.faults.stopListening();
      stopped = true;
      const row = treeRow(page, sandboxesTree, /Cannot reach the cluster/);
      await until(`the unreachable state (rows: ${(await treeTexts(page, sandboxesTree)).join(' | ')})`, () => row.isVisible(), 60_000);
      assert.equal((await row.locator('.label-description').textContent())?.trim(), 'Retry');
      await shots.publish(page, 'unreachable');
    });

    it('recovers after the API server is back and Retry is clicked', async () => {
      const page = env.page();
      await env.cluster().sim.faults.startListening();
      stopped = false;
      const row = treeRow(page, sandboxesTree, /Cannot reach the cluster/);
      if (await row.isVisible()) await row.click();
      for (const r of env.cluster().seeded) await showRelease(page, r.release, 60_000);
      assert.equal(await row.isVisible(), false);
      await shots.take(page, 'recovered');
    });
  });
}
