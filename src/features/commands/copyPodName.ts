// Copy Pod Name to the clipboard.
import * as vscode from 'vscode';
import { resolvePod, type CommandContext } from './shared';

export async function copyPodName(ctx: CommandContext, node?: unknown): Promise<void> {
  const pod = await resolvePod(ctx, node);
  await vscode.env.clipboard.writeText(pod.pod);
  vscode.window.setStatusBarMessage(`Copied ${pod.pod}`, 3000);
}
