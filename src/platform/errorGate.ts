// The one wrapper for every command handler: logs the error with its stack, shows one actionable message, and
// stays silent on cancel.
import * as vscode from 'vscode';
import { COMMAND } from './commandIds';
import type { Log } from './log';
import { errorView, type ErrorAction } from './errorText';

const LABELS: Record<ErrorAction, string> = {
  showLog: 'Show Log',
  openSettings: 'Open Settings',
  installHelm: 'Install Helm…',
  selectContext: 'Select Context',
};

export function gate<A extends unknown[]>(
  title: string,
  log: Log,
  handler: (...args: A) => unknown,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await handler(...args);
    } catch (e) {
      const view = errorView(
        e instanceof vscode.CancellationError ? Object.assign(new Error('cancelled'), { name: 'Canceled' }) : e,
        title,
      );
      if (view.silent) {
        log.info(`${title}: cancelled`);
        return;
      }
      log.error(view.message, e);
      // Not awaited: the command finishes while the message waits for the user.
      show(view.message, view.actions, log).catch((err: unknown) =>
        log.error(`${title}: could not show the error`, err),
      );
    }
  };
}

async function show(message: string, actions: ErrorAction[], log: Log): Promise<void> {
  const picked = await vscode.window.showErrorMessage(message, ...actions.map((a) => LABELS[a]));
  const action = actions.find((a) => LABELS[a] === picked);
  if (action === 'showLog') log.show();
  else if (action === 'openSettings')
    await vscode.commands.executeCommand('workbench.action.openSettings', 'k8sSandbox');
  else if (action === 'installHelm')
    await vscode.env.openExternal(vscode.Uri.parse('https://helm.sh/docs/intro/install/'));
  else if (action === 'selectContext') await vscode.commands.executeCommand(COMMAND.selectContext);
}
