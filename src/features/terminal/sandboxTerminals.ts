// The terminals this extension opened on sandbox pods (shells, logs), with the pod each is on: Reveal in Sandboxes
// maps a terminal to its pod through it, and the terminal tab's context menu offers Reveal in Sandboxes only while
// one is open (context key). No cluster client here: the Sandboxes view imports it at activation.
import * as vscode from 'vscode';

export interface SandboxTerminalTarget {
  namespace: string;
  pod: string;
}

/** True while at least one terminal on a sandbox pod is open (package.json `terminal/title/context`). */
export const SANDBOX_TERMINAL_CONTEXT = 'k8sSandbox.sandboxTerminalOpen';

const targets = new Map<vscode.Terminal, SandboxTerminalTarget>();
let watching: vscode.Disposable | undefined;

const setOpen = (open: boolean): Thenable<unknown> =>
  vscode.commands.executeCommand('setContext', SANDBOX_TERMINAL_CONTEXT, open);

/**
 * Creates the terminal and remembers its pod. The context key is set before the terminal exists: with a single
 * terminal VS Code builds the tab's context menu once, when the tab first renders.
 */
export async function createSandboxTerminal(
  options: vscode.ExtensionTerminalOptions,
  target: SandboxTerminalTarget,
): Promise<vscode.Terminal> {
  watching ??= vscode.window.onDidCloseTerminal((t) => {
    if (targets.delete(t) && targets.size === 0) void setOpen(false);
  });
  await setOpen(true);
  const terminal = vscode.window.createTerminal(options);
  targets.set(terminal, { namespace: target.namespace, pod: target.pod });
  return terminal;
}

/** The pod a terminal of ours is on (undefined for any other terminal). */
export function sandboxTerminalTarget(terminal: vscode.Terminal): SandboxTerminalTarget | undefined {
  return targets.get(terminal);
}
