// A VS Code terminal over the exec layer: a thin Pseudoterminal around the VS Code-free ShellSession.
import * as vscode from 'vscode';
import type { KubeConfig } from '@kubernetes/client-node';
import { readContainerState } from '../../core/exec/podState';
import { startExec } from '../../core/exec/startExec';
import { SHELL_COMMAND, ShellSession, asUserCommand } from '../../core/exec/shellSession';
import { validateContainerName, validateNamespace, validatePodName, validateUserName } from '../../core/names/validate';
import { settings } from '../../platform/settings';
import { createSandboxTerminal } from './sandboxTerminals';

export interface TerminalTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface TerminalOptions {
  /** Switch to this user with runuser/su. */
  user?: string;
  /** A command instead of the bash-or-sh shell (ephemeral debug containers). */
  command?: string[];
  name?: string;
}

export async function openPodTerminal(
  kc: KubeConfig,
  target: TerminalTarget,
  opts: TerminalOptions = {},
): Promise<vscode.Terminal> {
  validateNamespace(target.namespace);
  validatePodName(target.pod);
  validateContainerName(target.container);
  const command = opts.command ?? (opts.user ? asUserCommand(validateUserName(opts.user)) : [...SHELL_COMMAND]);
  const pty = new PodPty(kc, target, command);
  const name = opts.name ?? `${target.pod}/${target.container}${opts.user ? ` (${opts.user})` : ''}`;
  const terminal = await createSandboxTerminal({ name, pty, iconPath: new vscode.ThemeIcon('terminal') }, target);
  terminal.show();
  return terminal;
}

class PodPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly shell: ShellSession;

  constructor(kc: KubeConfig, target: TerminalTarget, command: string[]) {
    this.shell = new ShellSession(
      {
        start: (cols, rows) =>
          startExec(
            kc,
            { ...target, command },
            { stdin: true, tty: true, cols, rows, keepaliveSeconds: settings.keepaliveSeconds() },
          ),
        containerState: () => readContainerState(kc, target.namespace, target.pod, target.container),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      {
        write: (t) => this.writeEmitter.fire(t),
        close: (code) => {
          this.closeEmitter.fire(code ?? undefined);
          this.writeEmitter.dispose();
          this.closeEmitter.dispose();
        },
      },
      target,
    );
  }

  open(dims: vscode.TerminalDimensions | undefined): void {
    this.shell.open(dims?.columns, dims?.rows);
  }

  close(): void {
    this.shell.dispose();
  }

  handleInput(data: string): void {
    this.shell.input(data);
  }

  setDimensions(dims: vscode.TerminalDimensions): void {
    this.shell.resize(dims.columns, dims.rows);
  }
}
