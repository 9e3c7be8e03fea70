// Our terminal path without VS Code: the ShellSession over startExec with the same ports as
// src/features/terminal/podTerminal.ts gives it, and a screen we can wait on.
import type { KubeConfig } from '@kubernetes/client-node';
import { readContainerState } from '../../src/core/exec/podState';
import { startExec } from '../../src/core/exec/startExec';
import { SHELL_COMMAND, ShellSession } from '../../src/core/exec/shellSession';

export interface Target {
  namespace: string;
  pod: string;
  container: string;
}

export class BenchTerminal {
  readonly shell: ShellSession;
  private screen = '';
  private waiter: { test(screen: string): boolean; resolve(): void } | undefined;
  closed = false;

  constructor(kc: KubeConfig, t: Target) {
    this.shell = new ShellSession(
      {
        start: (cols, rows) =>
          startExec(kc, { ...t, command: [...SHELL_COMMAND] }, { stdin: true, tty: true, cols, rows }),
        containerState: () => readContainerState(kc, t.namespace, t.pod, t.container),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      {
        write: (text) => {
          this.screen += text;
          const w = this.waiter;
          if (w && w.test(this.screen)) {
            this.waiter = undefined;
            w.resolve();
          }
        },
        close: () => (this.closed = true),
      },
      { pod: t.pod, container: t.container },
    );
  }

  get length(): number {
    return this.screen.length;
  }

  /** Resolves when `text` appears on the screen after offset `from`. */
  waitFor(text: string, from: number, timeoutMs = 10_000): Promise<void> {
    return this.until((s) => s.indexOf(text, from) >= 0, JSON.stringify(text), timeoutMs);
  }

  until(test: (screen: string) => boolean, what: string, timeoutMs: number): Promise<void> {
    if (test(this.screen)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new Error(
            `terminal: no ${what} within ${timeoutMs} ms; screen tail ${JSON.stringify(this.screen.slice(-200))}`,
          ),
        );
      }, timeoutMs);
      this.waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  /** Opens the shell and waits for its first output (the prompt). */
  async open(): Promise<void> {
    const p = this.until((s) => s.length > 0, 'prompt', 15_000);
    this.shell.open(120, 40);
    await p;
  }
}
