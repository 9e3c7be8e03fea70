// The cluster goes away: the tree says so with a Retry action instead of spinning; once the API server is back,
// Retry brings the sandboxes back. Runs last (it disturbs every watch).
import { strict as assert } from 'node:assert';
import { Shots } from '../harness/browser';
import { expandRow, treeRow, treeTexts, until } from '../harness/workbench';
import { seedNamespace } from '../seed';
import { sandboxesTree, type ScenarioEnv } from './env';
import { collapseTree, rowDescription, showRelease } from './sandboxesView';

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
      await until(
        `the unreachable state (rows: ${(await treeTexts(page, sandboxesTree)).join(' | ')})`,
        () => row.isVisible(),
        60_000,
      );
      assert.equal((await row.locator('.label-description').textContent())?.trim(), 'Retry');
      await shots.publish(page, 'unreachable');
    });

    it('recovers after the API server is back and Retry is clicked', async () => {
      const page = env.page();
      await env.cluster().sim.faults.startListening();
      stopped = false;
      const row = treeRow(page, sandboxesTree, /Cannot reach the cluster/);
      // What a person does: click the Retry item (the watches may also have reconnected on their own).
      if (await row.isVisible()) await row.click();
      await until('the unreachable state to clear', async () => !(await row.isVisible()), 60_000);
      for (const r of env.cluster().seeded) await showRelease(page, r.release);
      // Live again, not a stale picture: a crash now still shows up without a refresh.
      const pod = 'compose-burst-victim-0';
      await collapseTree(page);
      await showRelease(page, 'compose-burst');
      await expandRow(treeRow(page, sandboxesTree, /^compose-burst$/));
      await until(`${pod} listed`, () => treeRow(page, sandboxesTree, /^victim$/).isVisible());
      env.cluster().kubelet.faults.crash(seedNamespace, pod, undefined, { reason: 'Error', exitCode: 2 });
      const d = await until(`${pod} to show the restart`, async () => {
        const text = await rowDescription(page, 'victim');
        return /↻1 Error/.test(text) ? text : undefined;
      });
      assert.match(d, /↻1 Error/);
      await shots.take(page, 'recovered');
    });
  });
}
