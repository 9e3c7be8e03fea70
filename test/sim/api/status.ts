// metav1.Status bodies and small response helpers shared by the API handlers.
import type { ServerResponse } from 'node:http';
import { ApiError, type ResourceType } from '../store';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code: number;
}

export function statusOf(err: ApiError): StatusBody {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    code: err.code,
  };
  if (err.details) body.details = { ...err.details };
  return body;
}

export function successStatus(type: ResourceType, name: string, uid?: string): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, group: type.group, kind: type.resource, uid },
    code: 200,
  };
}

/** The qualified resource as apiserver messages print it: `pods`, `statefulsets.apps`. */
export const qualified = (t: ResourceType): string => (t.group ? `${t.resource}.${t.group}` : t.resource);

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);
export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
export const notFoundPath = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
export const invalid = (
  type: ResourceType,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
): ApiError =>
  new ApiError(
    422,
    'Invalid',
    `${type.kind}${type.group ? '.' + type.group : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    {
      name,
      group: type.group,
      kind: type.kind,
      causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
    },
  );

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(500, 'InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`);
}

/** Sends a body: an object (serialized here), or JSON already serialized as a string or bytes. */
export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Writes of about this size: the client decodes one while the next is encrypted (TLS encrypts a write whole). */
const STREAM_CHUNK = 256 * 1024;

/**
 * Sends a JSON body given as byte pieces (a list from cached objects), with its Content-Length, in chunks that
 * respect backpressure. The pieces are only read, never kept or changed.
 */
export function sendJsonParts(
  res: ServerResponse,
  code: number,
  parts: readonly Buffer[],
  contentType = 'application/json',
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  let length = 0;
  for (const p of parts) length += p.length;
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  let i = 0;
  const pump = (): void => {
    while (i < parts.length) {
      const start = i;
      let size = 0;
      while (i < parts.length && (i === start || size + parts[i].length <= STREAM_CHUNK)) size += parts[i++].length;
      const chunk = i - start === 1 ? parts[start] : Buffer.concat(parts.slice(start, i), size);
      if (!res.write(chunk)) {
        if (!res.destroyed) res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = toApiError(e);
  sendJson(res, err.code, statusOf(err));
}

/** The raw HTTP reply for an upgrade request that is refused (the socket has no ServerResponse). */
export function rawErrorResponse(e: unknown): string {
  const err = toApiError(e);
  const body = JSON.stringify(statusOf(err));
  return `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
