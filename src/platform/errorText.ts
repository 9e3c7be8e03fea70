// What the error gate shows for an error (VS Code-free): one sentence plus, when we know it, what to do.
import { SandboxError, isCancellation, errorMessage } from '../core/errors';

export type ErrorAction = 'showLog' | 'openSettings' | 'installHelm' | 'selectContext';

export interface ErrorView {
  silent: boolean;
  message: string;
  actions: ErrorAction[];
}

export function errorView(e: unknown, title: string): ErrorView {
  if (isCancellation(e)) return { silent: true, message: '', actions: [] };
  const reason = (e as { reason?: unknown } | null)?.reason;
  const base = errorMessage(e);
  const hint = SandboxError.is(e) ? e.hint : undefined;
  const actions: ErrorAction[] = [];
  if (reason === 'HelmNotFound') actions.push('installHelm', 'openSettings');
  // KubeconfigError (tree engineer's) carries string reasons of its own.
  if (e instanceof Error && e.name === 'KubeconfigError') actions.push('selectContext', 'openSettings');
  actions.push('showLog');
  const message = `${title}: ${base}${hint && !base.includes(hint) ? ` ${hint}` : ''}`;
  return { silent: false, message, actions };
}
