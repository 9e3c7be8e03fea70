// The command handlers, loaded on a command's first use (see index.ts).
import type { CommandId } from '../../platform/commandIds';
import { copyPodName } from './copyPodName';
import { debugEphemeral } from './debugEphemeral';
import { forceDeletePod } from './forceDeletePod';
import { installSandbox } from './installSandbox';
import { openTerminal } from './openTerminal';
import { openTerminalAsUser } from './openTerminalAsUser';
import { runCommand } from './runCommand';
import type { CommandContext } from './shared';
import { showLogs } from './showLogs';
import { tearDown } from './tearDown';
import { tearDownAllMine } from './tearDownAllMine';

export type Handler = (ctx: CommandContext, ...args: unknown[]) => Promise<void>;

export const handlers: Record<CommandId, Handler> = {
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
