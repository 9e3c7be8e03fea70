// Tear Down All Mine: only releases whose creator label is the current identity (never a namespace wipe).
import * as vscode from 'vscode';
import { listMine } from '../../core/helm/teardown';
import { cancelled } from '../../core/errors';
import { helmSetup } from '../../platform/helmEnvironment';
import { confirm } from '../../platform/ui';
import { type CommandContext } from './shared';
import { runTearDown } from '../tearDown';

export async function tearDownAllMine(ctx: CommandContext): Promise<void> {
  const setup = await helmSetup(ctx.services);
  const who = await ctx.services.cluster.whoAmI();
  const identity = who.known ? who.identity.username : '';
  const { releases, scope } = await listMine(who, {
    helm: setup.target,
    env: setup.env,
    fallbackNamespace: setup.snapshot.namespace,
  });
  const where = scope === 'all' ? 'any namespace' : `namespace ${scope}`;
  if (releases.length === 0) {
    void vscode.window.showInformationMessage(`No sandboxes created by ${identity} in ${where}.`);
    return;
  }
  const list = releases.map((r) => `${r.name} (${r.namespace})`).join(', ');
  const ok = await confirm(
    `Tear down all ${releases.length} sandboxes created by ${identity}?`,
    `In ${where}: ${list}. Other people's releases are not touched.`,
    'Tear Down All',
  );
  if (!ok) throw cancelled();
  await runTearDown(
    ctx.services,
    releases.map((r) => ({ namespace: r.namespace, release: r.name })),
  );
}
