// The HTTP(S) front of the simulated API server: authentication, authorization, fault injection, discovery,
// OpenAPI, resource verbs, watch, and the exec upgrade handed to the kubelet.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { allowed, authorize, type Authenticator, type User } from '../auth';
import type { SimCerts } from '../certs';
import type { KubeletLike } from '../kubeletApi';
import { resources } from '../resources';
import type { HandlerContext } from './handlers';
import { Handlers } from './handlers';
import { decodeBody, readBody } from './body';
import {
  aggregated,
  aggregatedType,
  apiGroupList,
  apiVersions,
  openapiDocFor,
  openapiRoot,
  resourceList,
  VERSION_INFO,
} from './discovery';
import {
  attachTarget,
  bind,
  evict,
  execTarget,
  logsTarget,
  portForwardTarget,
  requireKubelet,
  serveAttachUpgrade,
  serveExecUpgrade,
  serveLogs,
} from './pods';
import { isWatch } from './query';
import { parseResourcePath } from './router';
import { notFoundPath, rawErrorResponse, sendError, sendJson, toApiError } from './status';
import { ApiError } from '../store';

/* eslint-disable @typescript-eslint/no-explicit-any -- review bodies are loosely typed JSON */

export interface ApiFaults {
  /** Ends every open watch (cleanly by default, as a restarting API server; `abrupt` resets the sockets); returns how many. */
  dropWatches(opts?: { abrupt?: boolean }): number;
  /** Forgets the event history: a watch from any earlier resourceVersion gets 410 Expired. */
  expireResourceVersions(): void;
  /** The next `n` requests fail with `code` (a Status body with the matching reason). */
  failNext(n: number, code?: number): void;
  /** The next `n` requests (those `match` accepts, when given) wait `ms` before being served. */
  addLatency(n: number, ms: number, match?: (req: IncomingMessage) => boolean): void;
  /**
   * Which SelfSubjectReview the server serves: v1 (Kubernetes ≥ 1.28, the default), only v1beta1 (1.26–1.27)
   * or none (older servers: 404).
   */
  serveSelfSubjectReview(version: 'v1' | 'v1beta1' | 'none'): void;
  /** Closes the listener and every connection (the port stays reserved for startListening). */
  stopListening(): Promise<void>;
  startListening(): Promise<void>;
}

const REASONS: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export interface ApiServerOptions {
  ctx: HandlerContext;
  auth: Authenticator;
  certs?: SimCerts;
  kubelet: () => KubeletLike | undefined;
}

export class ApiServer {
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly handlers: Handlers;
  private failures: { n: number; code: number } = { n: 0, code: 500 };
  private latency: { n: number; ms: number; match?: (req: IncomingMessage) => boolean } = { n: 0, ms: 0 };
  private port = 0;
  private selfReviewVersion: 'v1' | 'v1beta1' | 'none' = 'v1';
  readonly faults: ApiFaults;

  constructor(private readonly opts: ApiServerOptions) {
    this.handlers = new Handlers(opts.ctx);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => void this.onRequest(req, res);
    this.server = opts.certs
      ? https.createServer({ cert: opts.certs.certPem, key: opts.certs.keyPem }, onRequest)
      : http.createServer(onRequest);
    this.server.keepAliveTimeout = 30_000;
    // Raw TCP sockets, so close() also ends connections still in their TLS handshake.
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    const watches = opts.ctx.watches;
    this.faults = {
      dropWatches: (o) => watches.dropAll(o?.abrupt),
      expireResourceVersions: () => opts.ctx.store.expireHistory(),
      failNext: (n, code = 500) => (this.failures = { n, code }),
      addLatency: (n, ms, match) => (this.latency = { n, ms, match }),
      serveSelfSubjectReview: (v) => (this.selfReviewVersion = v),
      stopListening: () => this.close(),
      startListening: async () => {
        await this.listen(this.port);
      },
    };
  }

  get tls(): boolean {
    return !!this.opts.certs;
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as { port: number }).port;
        resolve(this.port);
      });
    });
  }

  /** Stops accepting and destroys every open connection (watches, exec sockets, keep-alives). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.opts.ctx.watches.dropAll(true);
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections?.();
    });
  }

  private async injected(req: IncomingMessage): Promise<void> {
    if (this.latency.n > 0 && (this.latency.match?.(req) ?? true)) {
      this.latency.n--;
      await new Promise((r) => setTimeout(r, this.latency.ms));
    }
    if (this.failures.n > 0) {
      this.failures.n--;
      const code = this.failures.code;
      throw new ApiError(
        code,
        REASONS[code] ?? 'InternalError',
        code === 429
          ? 'Too many requests, please try again later.'
          : `an error on the server ("injected fault") has prevented the request from succeeding`,
      );
    }
  }

  private authenticate(req: IncomingMessage): User {
    return this.opts.auth.authenticate(req.headers.authorization, this.tls);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.injected(req);
      const url = new URL(req.url ?? '/', 'http://sim');
      const user = this.authenticate(req);
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      if (this.serveNonResource(req, res, url, user)) return;
      const selfReview = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1)\/selfsubjectreviews\/?$/.exec(url.pathname);
      if (selfReview && req.method === 'POST') return this.whoami(res, user, selfReview[1]);
      const parsed = parseResourcePath(url.pathname);
      if (!parsed) throw notFoundPath();
      const { target: t } = parsed;
      if (parsed.legacyWatch) url.searchParams.set('watch', 'true');
      const q = url.searchParams;
      const verb = verbOf(req.method ?? 'GET', t.name, q, t.subresource);
      authorize(user, { verb, type: t.type, namespace: t.namespace, name: t.name, subresource: t.subresource });
      if (t.type === resources.pods && t.subresource === 'log')
        return serveLogs(this.opts.kubelet(), logsTarget(this.opts.ctx.store, t.namespace!, t.name!, q), res);
      if (t.type === resources.pods && ['exec', 'attach', 'portforward'].includes(t.subresource ?? ''))
        throw new ApiError(400, 'BadRequest', 'Upgrade request required');
      if (t.type === resources.pods && t.subresource === 'eviction' && req.method === 'POST')
        return evict(this.opts.ctx.store, this.opts.ctx.owners, t.namespace!, t.name!, req, body, res);
      if (t.type === resources.pods && t.subresource === 'binding' && req.method === 'POST')
        return bind(this.opts.ctx.store, t.namespace!, t.name!, req, body, res);
      if (t.type.resource === 'selfsubjectaccessreviews' && req.method === 'POST')
        return this.review(res, user, decodeBody(body, req.headers['content-type']));
      await this.handlers.handle(req, res, t, q, body);
    } catch (e) {
      sendError(res, e);
    }
  }

  /** /version, /healthz, discovery, OpenAPI. Returns false when the path is a resource path. */
  private serveNonResource(req: IncomingMessage, res: ServerResponse, url: URL, user: User): boolean {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (p === '/version') return (sendJson(res, 200, VERSION_INFO), true);
    if (['/healthz', '/livez', '/readyz'].includes(p)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      return true;
    }
    if (user.name === 'system:anonymous') {
      throw new ApiError(403, 'Forbidden', `forbidden: User "system:anonymous" cannot get path "${p}"`, {});
    }
    const agg = aggregatedType(req.headers.accept);
    if (p === '/api' || p === '/apis') {
      if (agg) {
        res.setHeader('Vary', 'Accept');
        sendJson(res, 200, aggregated(p === '/api', agg), agg);
      } else sendJson(res, 200, p === '/api' ? apiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList());
      return true;
    }
    const gv = /^\/api\/(v1)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(p);
    if (gv) {
      const [group, version] = p.startsWith('/api/') ? ['', gv[1]] : gv[1].split('/');
      const list = resourceList(group, version);
      if (!list) throw notFoundPath();
      sendJson(res, 200, list);
      return true;
    }
    if (p === '/openapi/v3') return (sendJson(res, 200, openapiRoot()), true);
    if (p.startsWith('/openapi/v3/')) {
      const doc = openapiDocFor(p.slice('/openapi/v3/'.length));
      if (!doc) throw notFoundPath();
      res.setHeader('Cache-Control', 'public, immutable');
      res.setHeader('Etag', `"${doc.hash}"`);
      sendJson(res, 200, doc.body);
      return true;
    }
    if (p === '/openapi/v2' || p === '/swagger.json') throw notFoundPath();
    return false;
  }

  /** SelfSubjectReview (what `kubectl auth whoami` asks): the user as the token authenticated it. */
  private whoami(res: ServerResponse, user: User, version: string): void {
    if (version !== this.selfReviewVersion) throw notFoundPath();
    authorize(user, { verb: 'create', type: resources.selfsubjectreviews });
    const userInfo = {
      username: user.name,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: user.groups ?? [],
      ...(user.extra ? { extra: user.extra } : {}),
    };
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    sendJson(res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: `authentication.k8s.io/${version}`,
      metadata: { creationTimestamp: now },
      status: { userInfo },
    });
  }

  /** SelfSubjectAccessReview (what `kubectl auth can-i` asks). */
  private review(res: ServerResponse, user: User, body: unknown): void {
    const r = (body ?? {}) as any;
    const a = r.spec?.resourceAttributes ?? {};
    const type = resources
      .all()
      .find((x) => x.resource === a.resource && (a.group === undefined || x.group === a.group));
    const ok = type
      ? allowed(user, {
          verb: a.verb ?? 'get',
          type,
          namespace: a.namespace || undefined,
          name: a.name,
          subresource: a.subresource || undefined,
        })
      : user.namespace === undefined;
    sendJson(res, 201, {
      ...r,
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: { creationTimestamp: null },
      status: { allowed: ok, ...(ok ? {} : { reason: '' }) },
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    void (async () => {
      try {
        await this.injected(req);
        const user = this.authenticate(req);
        const url = new URL(req.url ?? '/', 'http://sim');
        const parsed = parseResourcePath(url.pathname);
        if (
          !parsed ||
          parsed.target.type !== resources.pods ||
          !['exec', 'attach', 'portforward'].includes(parsed.target.subresource ?? '')
        )
          throw notFoundPath();
        const t = parsed.target;
        // `create`, whether the upgrade is a POST (SPDY) or a WebSocket GET (as 1.35 authorizes both).
        authorize(user, {
          verb: 'create',
          type: t.type,
          namespace: t.namespace,
          name: t.name,
          subresource: t.subresource,
        });
        if (t.subresource === 'portforward') {
          return requireKubelet(this.opts.kubelet()).handlePortForward(
            req,
            socket,
            head,
            portForwardTarget(this.opts.ctx.store, t.namespace!, t.name!, url.searchParams),
          );
        }
        if (t.subresource === 'attach') {
          return serveAttachUpgrade(
            this.opts.kubelet(),
            req,
            socket,
            head,
            attachTarget(this.opts.ctx.store, t.namespace!, t.name!, url.searchParams),
          );
        }
        serveExecUpgrade(
          this.opts.kubelet(),
          req,
          socket,
          head,
          execTarget(this.opts.ctx.store, t.namespace!, t.name!, url.searchParams),
        );
      } catch (e) {
        socket.end(rawErrorResponse(toApiError(e)));
      }
    })();
  }
}

function verbOf(method: string, name: string | undefined, q: URLSearchParams, sub?: string): string {
  if (sub === 'log') return 'get';
  switch (method) {
    case 'GET':
      return name ? 'get' : isWatch(q) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
