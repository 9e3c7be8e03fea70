// Command palette → Install Sandbox on a values file from the workspace → progress → the release appears and turns
// ready; Tear Down from its context menu → it disappears and Helm has no record of it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { Shots } from '../harness/browser';
import { answerInput, notification, openFile, runCommand, treeRow, until } from '../harness/workbench';
import { seedNamespace } from '../seed';
import { sandboxesTree, type ScenarioEnv } from './env';
import { rowDescription, showRelease } from './sandboxesView';

const release = 'e2e-install';

function helmList(env: ScenarioEnv): string[] {
  const r = spawnSync(env.session().helmPath, ['list', '--all', '--namespace', seedNamespace, '--output', 'json', '--kubeconfig', env.cluster().kubeconfig], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
}

export function installTearDownScenario(env: ScenarioEnv): void {
  describe('Install Sandbox and Tear Down', () => {
    const shots = new Shots('install-teardown');

    it('installs the active values file from the palette: progress, then the release turns ready', async () => {
      const page = env.page();
      await openFile(page, '05-allow-domains-ports-scoped-values.yaml');
      await runCommand(page, 'K8s Sandbox: Install Sandbox');
      // Namespace (prefilled with the context's), then the release name.
      await answerInput(page, seedNamespace);
      await answerInput(page, release);
      const progress = notification(page, `Installing sandbox ${release}`);
      await progress.waitFor({ state: 'visible', timeout: 20_000 });
      await shots.publish(page, 'install-progress');
      await notification(page, `Sandbox ${release} is ready`).waitFor({ state: 'visible', timeout: 120_000 });
      await showRelease(page, release);
      const desc = await until(`${release} ready in the tree`, async () => {
        const d = await rowDescription(page, release);
        return /1\/1 ready/.test(d) ? d : undefined;
      });
      assert.match(desc, /deployed r1/);
      assert.ok(helmList(env).includes(release), 'helm lists the new release');
      await shots.take(page, 'installed');
    });

    it('tears it down from the context menu: gone from the tree and from helm', async () => {
      const page = env.page();
      await showRelease(page, release);
      await treeRow(page, sandboxesTree, new RegExp(`^${release}$`)).click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-item', { hasText: /^Tear Down$/ }).first();
      await item.waitFor({ state: 'visible' });
      await item.click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), new RegExp(`Tear down sandbox ${release}`));
      await shots.take(page, 'confirm');
      await dialog.locator('.monaco-button', { hasText: /^Tear Down$/ }).click();
      await notification(page, `Removed ${release}`).waitFor({ state: 'visible', timeout: 120_000 });
      await until(`${release} gone from the tree`, async () => !(await treeRow(page, sandboxesTree, new RegExp(`^${release}$`)).isVisible()));
      assert.ok(!helmList(env).includes(release), 'helm has no record of the release');
      const secrets = env.cluster().sim.store.list(env.cluster().sim.resources.secrets, seedNamespace).filter((s) => s.metadata.labels?.name === release);
      assert.deepEqual(secrets.map((s) => s.metadata.name), [], 'no Helm release secrets left');
      await shots.take(page, 'torn-down');
    });
  });
}
