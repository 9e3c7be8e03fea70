// One JSON request with the kubeconfig's credentials, for what client-node's generic object client cannot ask: a
// subresource (pods/ephemeralcontainers), a kind that may be missing from discovery (SelfSubjectReview v1/v1beta1)
// or another response shape (PartialObjectMetadataList).
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Asks a list for metadata only (kind, apiVersion, metadata of each item): never the data. */
export const PARTIAL_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query, e.g. `/api/v1/secrets?labelSelector=owner%3Dhelm`. */
  path: string;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

/** A non-2xx answer; `statusCode` and `body` are what classifyApiError reads. */
export class RawRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super(
      typeof (body as { message?: unknown })?.message === 'string'
        ? (body as { message: string }).message
        : `HTTP ${statusCode}`,
    );
  }
}

export async function requestJson<T>(kc: KubeConfig, r: RawRequest): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/+$/, '') + r.path);
  const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
  const opts: https.RequestOptions = {
    method: r.method,
    headers: {
      Accept: r.accept ?? 'application/json',
      ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
    },
    signal: r.signal,
  };
  await kc.applyToHTTPSOptions(opts);
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise<T>((resolve, reject) => {
    const req = lib.request(url, opts, (res) => {
      // Decoded as it arrives (a list of release records is megabytes: no second copy of the whole body).
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('error', reject);
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (a proxy's HTML error page): keep the text
        }
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(body as T);
        else reject(new RawRequestError(res.statusCode ?? 0, body));
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
