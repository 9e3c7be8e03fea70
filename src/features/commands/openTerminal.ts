// Open Terminal: bash-or-sh in the container of the node (or picked).
import { openPodTerminal } from '../terminal';
import { resolveContainer, type CommandContext } from './shared';

export async function openTerminal(ctx: CommandContext, node?: unknown): Promise<void> {
  const t = await resolveContainer(ctx, node);
  ctx.services.log.info(`Terminal: ${t.namespace}/${t.pod}/${t.container}`);
  await openPodTerminal(ctx.services.cluster.kubeConfig, t);
}
