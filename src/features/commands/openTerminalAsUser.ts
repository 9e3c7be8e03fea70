// Open Terminal as User…: exec has no user parameter, so the shell is wrapped with runuser (as root) or su.
import * as vscode from 'vscode';
import { validateUserName } from '../../core/names/validate';
import { cancelled } from '../../core/errors';
import { openPodTerminal } from '../terminal';
import { validationMessage } from '../../platform/ui';
import { resolveContainer, type CommandContext } from './shared';

export async function openTerminalAsUser(ctx: CommandContext, node?: unknown): Promise<void> {
  const t = await resolveContainer(ctx, node);
  const user = await vscode.window.showInputBox({
    title: `Open Terminal as User in ${t.pod}/${t.container}`,
    prompt: 'User name inside the container (needs runuser as root, or su)',
    validateInput: validationMessage(validateUserName),
  });
  if (user === undefined) throw cancelled();
  ctx.services.log.info(`Terminal as ${user}: ${t.namespace}/${t.pod}/${t.container}`);
  await openPodTerminal(ctx.services.cluster.kubeConfig, t, { user: validateUserName(user) });
}
