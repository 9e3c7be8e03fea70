// Small VS Code UI helpers shared by features: modal confirmation, cancellable progress, input validation.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';

/** A modal confirmation; false when dismissed. */
export async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  const r = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return r === action;
}

export async function withProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
  cancellable = true,
): Promise<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        return await task(ac.signal, (message) => progress.report({ message }));
      } finally {
        sub.dispose();
      }
    },
  );
}

/** An input box's validateInput from a validator that throws: its message, or undefined when valid. */
export function validationMessage(validate: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      validate(value);
      return undefined;
    } catch (e) {
      return errorMessage(e);
    }
  };
}
