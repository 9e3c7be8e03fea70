// The sim's watch protocol as kube-apiserver serves it: query booleans decoded by apimachinery's rule, every
// watch ended by the server (randomised --min-request-timeout), bookmarks only when asked (the last one right
// before the end), and etcd-like compaction that makes old resourceVersions 410. Time runs 1000x faster.
import assert from 'node:assert/strict';
import { startCluster, type SimCluster } from './cluster';
import { request, watchEvents } from './testing/http';
import { eventually } from './testing/run';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });

describe('sim: watch protocol and query parsing', function () {
  this.timeout(60_000);
  let c: SimCluster;
  const base = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    // 1/1000: watches live 1.8-3.6 s, bookmarks every 60 ms, compaction every 300 ms.
    c = await startCluster({ timeScale: 1 / 1000 });
    assert.equal((await request(c, 'POST', base, { body: cm('seen') })).status, 201);
  });
  after(async () => c?.stop());

  it('reads booleans as the API server does: absent, 0 or any case of false is false, anything else true', async () => {
    for (const v of ['true', 'True', 'TRUE', '1', 't', 'f', 'yes']) {
      const events = await watchEvents(c, `${base}?watch=${v}`, (e) => e.length >= 1);
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED seen'],
        `watch=${v} is a watch`,
      );
    }
    for (const v of ['false', 'False', 'FALSE', '0']) {
      const r = await request(c, 'GET', `${base}?watch=${v}`);
      assert.equal(r.json().kind, 'ConfigMapList', `watch=${v} is a list`);
    }
  });

  it('answers a malformed integer with 400 and Go strconv message', async () => {
    const r = await request(c, 'GET', `${base}?watch=true&timeoutSeconds=abc`);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'strconv.ParseInt: parsing "abc": invalid syntax',
      reason: 'BadRequest',
      code: 400,
    });
    const l = await request(c, 'GET', `${base}?limit=ten`);
    assert.equal(l.status, 400);
    assert.equal(l.json().message, 'strconv.ParseInt: parsing "ten": invalid syntax');
  });

  it('ends every watch by itself; bookmarks only when asked, the last one with the current resourceVersion', async () => {
    const rv = c.store.resourceVersion;
    const [withBookmarks, without] = await Promise.all([
      watchEvents(c, `${base}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=True`, () => false),
      watchEvents(c, `${base}?watch=1&resourceVersion=${rv}`, () => false),
    ]);
    // Both promises resolved: the server ended both streams.
    assert.ok(withBookmarks.length >= 2, `bookmarks arrived: ${withBookmarks.length}`);
    assert.ok(
      withBookmarks.every(
        (e) => e.type === 'BOOKMARK' && e.object.kind === 'ConfigMap' && e.object.apiVersion === 'v1',
      ),
    );
    assert.equal(withBookmarks.at(-1)!.object.metadata.resourceVersion, String(c.store.resourceVersion));
    assert.deepEqual(without, [], 'no bookmark without allowWatchBookmarks');
  });

  it('compacts history: a watch from a resourceVersion older than the window gets 410 Expired', async () => {
    const old = c.store.resourceVersion;
    for (let i = 0; i < 3; i++) assert.equal((await request(c, 'POST', base, { body: cm(`later-${i}`) })).status, 201);
    await eventually(() => c.store.oldestResourceVersion > old, 'a compaction past the old resourceVersion');
    const [err] = await watchEvents(c, `${base}?watch=true&resourceVersion=${old}`, (e) => e.length >= 1);
    assert.equal(err.type, 'ERROR');
    const { message, ...status } = err.object;
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    assert.match(message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
    // The current resourceVersion (what a list returns) stays watchable.
    const list = (await request(c, 'GET', base)).json();
    const fresh = await watchEvents(
      c,
      `${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true`,
      (e) => e.length >= 1,
    );
    assert.equal(fresh[0].type, 'BOOKMARK');
  });
});
