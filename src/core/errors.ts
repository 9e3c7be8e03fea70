// Typed errors shared by core and features. VS Code-free, so core modules may throw them.
// Callers branch on `reason`, never on message text.

export type ErrorReason =
  | 'Cancelled'
  | 'InvalidInput'
  | 'HelmNotFound'
  | 'HelmFailed'
  | 'HelmTimeout'
  | 'RuntimeClassMissing'
  | 'RuntimeClassUnschedulable'
  | 'InstallFailed'
  | 'CleanupIncomplete'
  | 'NotFound'
  | 'Forbidden'
  | 'Unreachable'
  | 'ExecFailed'
  | 'NoShell'
  | 'IdentityUnknown';

export interface SandboxErrorOptions {
  /** What the user can do about it; shown after the message. */
  hint?: string;
  /** Longer text for the log only (helm stderr, pod states, events). */
  detail?: string;
  cause?: unknown;
}

export class SandboxError extends Error {
  readonly hint?: string;
  readonly detail?: string;

  constructor(
    readonly reason: ErrorReason,
    message: string,
    options: SandboxErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxError';
    this.hint = options.hint;
    this.detail = options.detail;
  }

  static is(e: unknown, reason?: ErrorReason): e is SandboxError {
    return e instanceof SandboxError && (reason === undefined || e.reason === reason);
  }
}

export const cancelled = (what = 'Operation'): SandboxError => new SandboxError('Cancelled', `${what} cancelled`);

/** True for our cancel error and for AbortSignal's AbortError. */
export function isCancellation(e: unknown): boolean {
  if (SandboxError.is(e, 'Cancelled')) return true;
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'Canceled');
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
