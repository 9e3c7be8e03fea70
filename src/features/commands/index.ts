// The one table of this feature's commands (ids match package.json), each wrapped by the error gate.
import * as vscode from 'vscode';
import { gate } from '../../platform/errorGate';
import { commandIds, commandTitles } from '../../platform/commandIds';
import type { CommandContext, CommandServices } from './shared';

// Handlers (helm, exec, terminals and their libraries) load on a command's first use, not at activation: esbuild
// keeps them in the one bundle and evaluates them only when this require runs.
let loaded: typeof import('./handlers') | undefined;
const handlers = (): typeof import('./handlers').handlers =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  (loaded ??= require('./handlers') as typeof import('./handlers')).handlers;

export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): vscode.Disposable {
  const ctx: CommandContext = { services, extensionPath: context.extensionPath };
  const disposables = commandIds.map((id) =>
    vscode.commands.registerCommand(
      id,
      gate(commandTitles[id], services.log, (...args: unknown[]) => handlers()[id](ctx, ...args)),
    ),
  );
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}
