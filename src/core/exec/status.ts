// Reading the channel-3 V1Status that ends an exec into an ExecResult.

import type { ExecResult } from './types';

interface StatusLike {
  status?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: { causes?: Array<{ reason?: unknown; message?: unknown }> };
}

export function resultFromStatus(s: unknown): ExecResult {
  const st = (s ?? {}) as StatusLike;
  if (st.status === 'Success') return { exitCode: 0, reason: 'Success' };
  const message = typeof st.message === 'string' ? st.message : undefined;
  if (st.reason === 'NonZeroExitCode') {
    const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return { exitCode: code, reason: 'NonZeroExitCode', message };
  }
  return { exitCode: null, reason: 'Error', message: message ?? 'exec failed' };
}
