// Our own API reads (list pages, metadata lists, reviews) against the simulated API server: they share one
// kept-alive connection per kubeconfig, where client-node's agent would open (and TLS-handshake) one per request
// and ask the server to close it after the answer.
import { strict as assert } from 'node:assert';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { listAllPages } from '../../../src/core/kube/pagedList';
import { PARTIAL_LIST_ACCEPT, requestJson } from '../../../src/core/kube/rawRequest';
import { SimEnv } from '../reliability/support/stack';

interface Seen {
  socket: Socket;
  path: string;
  connection?: string;
}

describe('raw API requests: one kept-alive connection per kubeconfig', function () {
  this.timeout(60_000);
  const env = new SimEnv();
  const seen: Seen[] = [];
  const onStart = (m: unknown): void => {
    const { request, socket } = m as { request: IncomingMessage; socket: Socket };
    if (socket.localPort === env.cluster.port)
      seen.push({ socket, path: request.url ?? '', connection: request.headers.connection });
  };
  const load = (): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig());
    return kc;
  };

  before(async () => {
    await env.start();
    diagnostics.subscribe('http.server.request.start', onStart);
    const kc = load();
    for (let i = 0; i < 5; i++)
      await requestJson(kc, {
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps',
        body: { metadata: { name: `page-${i}`, labels: { grp: 'pages' } }, data: { i: String(i) } },
      });
  });
  after(async () => {
    diagnostics.unsubscribe('http.server.request.start', onStart);
    await env.stop();
  });

  it('reads every page of a list, and the metadata list after it, over one connection', async () => {
    const kc = load();
    const from = seen.length;
    const spec = {
      kind: 'secrets' as const,
      namespaced: true,
      required: false,
      labelSelector: 'grp=pages',
      pageSize: 2,
      path: (ns?: string) => (ns ? `/api/v1/namespaces/${ns}/configmaps` : '/api/v1/configmaps'),
    };
    const list = await listAllPages(spec, kc, { labelSelector: spec.labelSelector });
    assert.deepEqual(
      list.items.map((o) => o.metadata?.name),
      ['page-0', 'page-1', 'page-2', 'page-3', 'page-4'],
    );
    const meta = await requestJson<{ kind: string; items: unknown[] }>(kc, {
      method: 'GET',
      path: '/api/v1/configmaps?labelSelector=grp%3Dpages',
      accept: PARTIAL_LIST_ACCEPT,
    });
    assert.equal(meta.kind, 'PartialObjectMetadataList');
    assert.equal(meta.items.length, 5);
    const mine = seen.slice(from);
    assert.equal(mine.length, 4, `three pages and the metadata list: ${mine.map((s) => s.path).join(', ')}`);
    assert.equal(new Set(mine.map((s) => s.socket)).size, 1, 'one connection for all four');
    assert.ok(
      mine.every((s) => s.connection !== 'close'),
      'no request asks the server to close the connection',
    );
  });

  it('another kubeconfig gets its own connection; an answer that is not 2xx leaves the connection usable', async () => {
    const a = load();
    const b = load();
    const from = seen.length;
    await requestJson(a, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/page-0' });
    await assert.rejects(
      requestJson(a, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/missing' }),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    await requestJson(a, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/page-1' });
    await requestJson(b, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/page-2' });
    const sockets = seen.slice(from).map((s) => s.socket);
    assert.equal(sockets.length, 4);
    assert.equal(new Set(sockets.slice(0, 3)).size, 1, "the first kubeconfig's three reads share a connection");
    assert.notEqual(sockets[3], sockets[0], 'the second kubeconfig has its own');
  });

  it('closes a connection that stays idle (nothing is left open once the reads stop)', async () => {
    const kc = load();
    const from = seen.length;
    await requestJson(kc, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/page-3' });
    const socket = seen[from].socket;
    assert.ok(!socket.destroyed, 'kept alive after the answer');
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the idle connection is still open after 15 s')), 15_000);
      socket.once('close', () => (clearTimeout(timer), resolve()));
    });
    assert.ok(Date.now() - started >= 3_000, 'not closed straight after the answer');
  });
});
