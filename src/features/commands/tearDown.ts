// Tear Down: one release or a multi-selection, confirmed, `helm uninstall --wait` each, with progress.
import { cancelled } from '../../core/errors';
import { pickReleases } from '../../platform/pickers';
import { confirm } from '../../platform/ui';
import { nodesOf, releasesOf, type CommandContext } from './shared';
import { runTearDown } from '../tearDown';

export async function tearDown(ctx: CommandContext, node?: unknown, selected?: unknown): Promise<void> {
  const fromTree = releasesOf(nodesOf(node, selected));
  const refs = fromTree.length ? fromTree : await pickReleases(ctx.services, true);
  const names = refs.map((r) => `${r.release} (${r.namespace})`).join(', ');
  const ok = await confirm(
    refs.length === 1 ? `Tear down sandbox ${refs[0].release}?` : `Tear down ${refs.length} sandboxes?`,
    `helm uninstall --wait removes every object of: ${names}.`,
    'Tear Down',
  );
  if (!ok) throw cancelled();
  await runTearDown(ctx.services, refs);
}
