// One JSON request with the kubeconfig's credentials, for what client-node's generic object client cannot ask: a
// subresource (pods/ephemeralcontainers), a kind that may be missing from discovery (SelfSubjectReview v1/v1beta1)
// or another response shape (PartialObjectMetadataList).
import { createHash } from 'node:crypto';
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

/** How long a kept-alive connection may stay idle: a load's pages and the reads right after it reuse it, and
 * nothing is left open once the view has stopped. */
const IDLE_MS = 5_000;
const agents = new WeakMap<KubeConfig, Map<string, http.Agent>>();

/**
 * client-node makes a new agent, so a new connection and TLS handshake, for every request, and asks the server
 * to close it after the answer. The pages of a list and the reads that follow share a kept-alive connection
 * instead: one agent per kubeconfig and TLS identity (credentials that change, e.g. a rotated client
 * certificate, get their own). Proxy agents (the cluster's proxy-url) stay client-node's.
 */
function pooled(kc: KubeConfig, agent: http.Agent | boolean | undefined): http.Agent | boolean | undefined {
  // Exactly client-node's plain agents: proxy agents subclass http.Agent.
  const secure = agent instanceof https.Agent && agent.constructor === https.Agent;
  if (!secure && !(agent instanceof http.Agent && agent.constructor === http.Agent)) return agent;
  const o = (agent as http.Agent & { options: https.AgentOptions }).options;
  const tls = [o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername];
  const id = `${secure ? 'https' : 'http'}:${createHash('sha256').update(JSON.stringify(tls)).digest('hex')}`;
  let byId = agents.get(kc);
  if (!byId) agents.set(kc, (byId = new Map()));
  let kept = byId.get(id);
  if (!kept) {
    const options = { ...o, keepAlive: true, timeout: IDLE_MS };
    kept = secure ? new https.Agent(options) : new http.Agent(options);
    byId.set(id, kept);
  }
  return kept;
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
  opts.agent = pooled(kc, opts.agent);
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
