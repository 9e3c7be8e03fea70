// The one table of this feature's commands (ids match package.json), each wrapped by the error gate.
import * as vscode from 'vscode';
import { gate } from '../../platform/errorGate';
import { commandIds, commandTitles, type CommandId } from '../../platform/commandIds';
import { copyPodName } from './copyPodName';
import { debugEphemeral } from './debugEphemeral';
import { forceDeletePod } from './forceDeletePod';
import { installSandbox } from './installSandbox';
import { openTerminal } from './openTerminal';
import { openTerminalAsUser } from './openTerminalAsUser';
import { runCommand } from './runCommand';
import type { CommandContext, CommandServices } from './shared';
import { showLogs } from './showLogs';
import { tearDown } from './tearDown';
import { tearDownAllMine } from './tearDownAllMine';

type Handler = (ctx: CommandContext, ...args: unknown[]) => Promise<void>;

const handlers: Record<CommandId, Handler> = {
  'k8sSandbox.installSandbox': installSandbox,
  'k8sSandbox.tearDown': tearDown,
  'k8sSandbox.tearDownAllMine': tearDownAllMine,
  'k8sSandbox.openTerminal': openTerminal,
  'k8sSandbox.openTerminalAsUser': openTerminalAsUser,
  'k8sSandbox.runCommand': runCommand,
  'k8sSandbox.debugEphemeral': debugEphemeral,
  'k8sSandbox.showLogs': showLogs,
  'k8sSandbox.copyPodName': copyPodName,
  'k8sSandbox.forceDeletePod': forceDeletePod,
};

export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): vscode.Disposable {
  const ctx: CommandContext = { services, extensionPath: context.extensionPath };
  const disposables = commandIds.map((id) =>
    vscode.commands.registerCommand(
      id,
      gate(commandTitles[id], services.log, (...args: unknown[]) => handlers[id](ctx, ...args)),
    ),
  );
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}
