// The one output channel, "K8s Sandbox" (a LogOutputChannel: levels and timestamps by VS Code). Every line
// passes through `redact` first, so tokens and keys from helm or the API never reach it.
import * as vscode from 'vscode';
import { redact } from './redact';

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  /** Raw process output (helm), one line at a time. */
  line(text: string, stream?: 'stdout' | 'stderr'): void;
  show(): void;
}

export function createLog(): Log & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('K8s Sandbox', { log: true });
  return {
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    error: (m, e) => {
      channel.error(redact(m));
      const stack = e instanceof Error ? e.stack : undefined;
      const detail = (e as { detail?: unknown } | undefined)?.detail;
      if (typeof detail === 'string' && detail) channel.error(redact(detail));
      if (stack) channel.debug(redact(stack));
    },
    line: (t) => channel.info(redact(t)),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
