// Typed errors with a `reason`: callers branch on the reason, never on message text.
import { errorMessage } from '../errors';

export type KubeconfigErrorReason =
  | 'notFound' // no kubeconfig file at any path tried
  | 'unreadable' // exists but cannot be read
  | 'malformed' // not YAML, or entries missing required fields
  | 'noContext' // no current-context and none selected
  | 'unknownContext' // the (current or selected) context is not defined
  | 'unknownCluster' // the context names a cluster that is not defined
  | 'unknownUser' // the context names a user that is not defined
  | 'missingFile' // a referenced CA / client certificate / key file does not exist
  | 'insecureHttp' // http:// server without insecure-skip-tls-verify (client-node refuses it)
  | 'legacyAuthProvider'; // auth-provider gcp/azure: removed from kubectl, and client-node runs its cmd-path through a shell

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  constructor(
    readonly reason: KubeconfigErrorReason,
    message: string,
    /** The kubeconfig file(s) this concerns, for the message and for "Open kubeconfig" actions. */
    readonly paths: readonly string[],
  ) {
    super(message);
  }

  static is(e: unknown): e is KubeconfigError {
    return e instanceof KubeconfigError;
  }
}

/** Getting credentials failed before any request (exec credential plugin, OIDC refresh): sign in again. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
  readonly reason = 'credentials';
  constructor(user: string, cause: unknown) {
    const why = errorMessage(cause);
    // First line only: plugins print usage and hints on stderr; tokens never go to stderr.
    super(
      `Getting credentials for user "${user}" failed: ${why.trim().split('\n')[0] || 'the credential plugin exited with an error'}`,
    );
  }
}

/** How an API failure should be shown: drives the tree's state item and its action. */
export type ApiFailureKind =
  'unreachable' | 'forbidden' | 'unauthorized' | 'gone' | 'notFound' | 'badRequest' | 'server';

export interface ApiFailure {
  kind: ApiFailureKind;
  /** HTTP status when there was a response. */
  status?: number;
  /** One line for people: the Status message from the server, or the network error. */
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function statusOf(e: Record<string, unknown>): number | undefined {
  // ApiException: numeric `code`; client-node Watch: `statusCode`; a Status body: `code`.
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

function serverMessage(e: Record<string, unknown>): string | undefined {
  const body = e.body;
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body) {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON: fall through to the generic message
    }
  }
  return undefined;
}

/** Classifies an error from client-node (list, watch, exec) without reading free-form message text. */
export function classifyApiError(err: unknown): ApiFailure {
  if (!err || typeof err !== 'object') return { kind: 'unreachable', message: String(err) };
  if (err instanceof CredentialError) return { kind: 'unauthorized', message: err.message };
  const e = err as Record<string, unknown>;
  const status = statusOf(e);
  const fromServer = serverMessage(e);
  if (status !== undefined) {
    const message = fromServer ?? `HTTP ${status}`;
    if (status === 401) return { kind: 'unauthorized', status, message };
    if (status === 403) return { kind: 'forbidden', status, message };
    if (status === 404) return { kind: 'notFound', status, message };
    if (status === 410) return { kind: 'gone', status, message };
    if (status >= 500 || status === 429) return { kind: 'server', status, message };
    return { kind: 'badRequest', status, message };
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as Record<string, unknown>) : undefined;
  const causeCode = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const netCode = [code, causeCode].find((c) => c && NETWORK_CODES.has(c));
  const base = typeof e.message === 'string' && e.message ? e.message : 'request failed';
  return { kind: 'unreachable', message: netCode && !base.includes(netCode) ? `${base} (${netCode})` : base };
}
