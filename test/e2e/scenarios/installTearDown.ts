// Command palette → Install Sandbox on a values file from the workspace → progress → the release appears and turns
// ready; Tear Down from its context menu → it disappears and Helm has no record of it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { Shots } from '../harness/browser';
import {
  answerInput,
  contextMenu,
  hoverUntil,
  isSelected,
  notification,
  openFile,
  runCommand,
  treeRow,
  until,
} from '../harness/workbench';
import { seedNamespace } from '../seed';
import { sandboxesTree, type ScenarioEnv } from './env';
import { collapseTree, rowDescription, showRelease } from './sandboxesView';

const release = 'e2e-install';
const valuesFile = '05-allow-domains-ports-scoped-values.yaml';

/** `helm list` through the real binary. Async: the simulated API server runs in this very process. */
function helmList(env: ScenarioEnv): Promise<string[]> {
  const args = [
    'list',
    '--all',
    '--namespace',
    seedNamespace,
    '--output',
    'json',
    '--kubeconfig',
    env.cluster().kubeconfig,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(env.session().helmPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`helm list exited ${code}: ${err}`));
      resolve((JSON.parse(out) as { name: string }[]).map((x) => x.name));
    });
  });
}

export function installTearDownScenario(env: ScenarioEnv): void {
  describe('Install Sandbox and Tear Down', () => {
    const shots = new Shots('install-teardown');

    it('installs the active values file from the palette: progress, then the release turns ready', async () => {
      const page = env.page();
      await openFile(page, valuesFile);
      await runCommand(page, 'K8s Sandbox: Install Sandbox');
      // Namespace (prefilled with the context's), then the release name.
      await answerInput(page, seedNamespace);
      await answerInput(page, release);
      const progress = notification(page, `Installing sandbox ${release}`);
      await progress.waitFor({ state: 'visible', timeout: 20_000 });
      await shots.publish(page, 'install-progress');
      await notification(page, `Sandbox ${release} is ready`).waitFor({ state: 'visible', timeout: 120_000 });
      await showRelease(page, release);
      // Helm marks the record deployed after the pods are ready: wait for both, as a user would see them.
      const desc = await until(`${release} deployed and ready in the tree`, async () => {
        const d = await rowDescription(page, release);
        return /deployed r1/.test(d) && /1\/1 ready/.test(d) ? d : undefined;
      });
      assert.match(desc, /deployed r1/);
      assert.ok((await helmList(env)).includes(release), 'helm lists the new release');
      // The release remembers the values file it came from: its tooltip names it.
      const hover = await hoverUntil(page, treeRow(page, sandboxesTree, new RegExp(`^${release}$`)), 'Values file');
      assert.match(await hover.innerText(), /Values file: \S*05-allow-domains-ports-scoped-values\.yaml/);
      await shots.take(page, 'installed');
      await page.mouse.move(0, 0);
    });

    it('Reveal in Sandboxes on the open values file (tab context menu) selects its release row', async () => {
      const page = env.page();
      const row = treeRow(page, sandboxesTree, new RegExp(`^${release}$`));
      await collapseTree(page);
      assert.ok(!(await row.isVisible()), 'the release row is hidden under its collapsed group before Reveal');
      const tab = page.locator(`.tabs-container .tab[aria-label^="${valuesFile}"]`).first();
      await contextMenu(page, tab, /^Reveal in Sandboxes$/);
      await until(`${release} revealed and selected`, async () => (await row.isVisible()) && (await isSelected(row)));
      await shots.take(page, 'revealed');
    });

    it('tears it down from the context menu: gone from the tree and from helm', async () => {
      const page = env.page();
      await showRelease(page, release);
      await contextMenu(page, treeRow(page, sandboxesTree, new RegExp(`^${release}$`)), /^Tear Down$/);
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), new RegExp(`Tear down sandbox ${release}`));
      await shots.take(page, 'confirm');
      await dialog.locator('.monaco-button', { hasText: /^Tear Down$/ }).click();
      await notification(page, `Removed ${release}`).waitFor({ state: 'visible', timeout: 120_000 });
      await until(
        `${release} gone from the tree`,
        async () => !(await treeRow(page, sandboxesTree, new RegExp(`^${release}$`)).isVisible()),
      );
      assert.ok(!(await helmList(env)).includes(release), 'helm has no record of the release');
      const secrets = env
        .cluster()
        .sim.store.list(env.cluster().sim.resources.secrets, seedNamespace)
        .filter((s) => s.metadata.labels?.name === release);
      assert.deepEqual(
        secrets.map((s) => s.metadata.name),
        [],
        'no Helm release secrets left',
      );
      await shots.take(page, 'torn-down');
    });
  });
}
