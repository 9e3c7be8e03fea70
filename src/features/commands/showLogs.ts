// Show Logs: follow and/or the previous container instance, in a terminal that stops streaming when closed.
import * as vscode from 'vscode';
import { cancelled } from '../../core/errors';
import { openLogTerminal } from '../terminal';
import { resolveContainer, type CommandContext } from './shared';

export async function showLogs(ctx: CommandContext, node?: unknown): Promise<void> {
  const t = await resolveContainer(ctx, node);
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Follow', description: 'stream new lines', follow: true, previous: false },
      { label: 'Current', description: 'the log so far', follow: false, previous: false },
      {
        label: 'Previous container',
        description: 'the instance before the last restart',
        follow: false,
        previous: true,
      },
    ],
    { title: `Logs of ${t.pod}/${t.container}` },
  );
  if (!picked) throw cancelled();
  await openLogTerminal(ctx.services.cluster.kubeConfig, t, {
    follow: picked.follow,
    previous: picked.previous,
    tailLines: picked.follow ? 1000 : undefined,
  });
}
