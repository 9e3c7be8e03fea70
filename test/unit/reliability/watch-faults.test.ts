// Issue 10, faults on the watch path: each fault is injected into the simulated API server while the store
// keeps changing, then the tree's model must equal a fresh list from the server, and the tree's state items
// must say plainly what is going on (or nothing, once recovered).
import { strict as assert } from 'node:assert';
import { watchSpecs } from '../../../src/core/sandbox/watchSpecs';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { backoffDelay } from '../../../src/core/kube/backoff';
import { Churn, prng } from './support/churn';
import { ServerProbe } from './support/probe';
import { SimEnv, TEST_BACKOFF, converged, openStack, waitUntil, type Stack } from './support/stack';
import { tally } from './support/tally';

const SEED = Number(process.env.RELIABILITY_SEED ?? 0x5eed);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
/** The kinds the hub watches (secrets, pods, statefulsets required; events, runtimeclasses optional). */
/** One watch per watched kind (core/sandbox/watchSpecs.ts). */
const WATCHED_KINDS = watchSpecs.length;

describe('reliability: watch faults on the simulated cluster', function () {
  this.timeout(60_000);
  const env = new SimEnv();
  let probe: ServerProbe;
  let churn: Churn;
  const random = prng(SEED);
  const stacks: Stack[] = [];
  const open = (kubeconfig: string, o?: Parameters<typeof openStack>[1]): Stack => {
    const s = openStack(kubeconfig, o);
    stacks.push(s);
    s.model.start();
    return s;
  };
  const errorItems = (s: Stack) => s.messages().filter((m) => m.severity === 'error');

  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
    churn = new Churn(c, random);
    for (let i = 0; i < 6; i++) churn.addRelease();
  });
  afterEach(async () => {
    for (const s of stacks.splice(0)) s.dispose();
    env.cluster.faults.failNext(0);
    env.cluster.faults.addLatency(0, 0);
    // Every watch a disposed stack opened is closed on the server (none leak from reconnects).
    await waitUntil(
      'no open watches after dispose',
      () => probe.openWatches === 0,
      5000,
      () => probe.openWatchPaths().join(', '),
    );
  });
  after(async () => {
    assert.deepEqual(probe?.namespaceDeletes() ?? [], [], 'nothing deleted a namespace');
    probe?.dispose();
    await env.stop();
  });

  it(`dropped watch connections at random points (seed ${SEED}): nothing lost or duplicated, no extra watches`, async () => {
    const s = open(env.kubeconfig());
    await converged(env.cluster, s, 'the initial list');
    const rounds = 25;
    let abrupt = 0;
    for (let round = 0; round < rounds; round++) {
      const ops = 5 + Math.floor(random() * 30);
      const dropAt = Math.floor(random() * (ops + 1));
      for (let i = 0; i <= ops; i++) {
        if (i === dropAt) {
          // Lists end before their watches open (and reconnects take a backoff): drop only open streams.
          await waitUntil('a watch open to drop', () => probe.openWatches > 0, 10_000);
          const hard = random() < 0.5;
          abrupt += hard ? 1 : 0;
          // The fault happened: watch streams were open and were ended.
          assert.ok(
            env.cluster.faults.dropWatches({ abrupt: hard }) > 0,
            `round ${round + 1}: no watch was open to drop`,
          );
        }
        if (i < ops) churn.step();
        // Sometimes let the events go out before the next change, sometimes not: drops land mid-stream.
        if (random() < 0.3) await tick();
      }
      await converged(env.cluster, s, `model == server after drop ${round + 1}`);
      assert.deepEqual(errorItems(s), [], 'no error left in the tree once recovered');
    }
    // One watch per kind after all the reconnects: no duplicate watchers piling up.
    await waitUntil(
      `${WATCHED_KINDS} open watches`,
      () => probe.openWatches === WATCHED_KINDS,
      5000,
      () => probe.openWatchPaths().join(', '),
    );
    tally('Watch connections dropped (clean and abrupt, at random points)', {
      injected: rounds,
      checks: rounds,
      note: `${abrupt} abrupt, ${churn.ops} changes meanwhile`,
    });
  });

  it('closing the view while watches reconnect leaves no watch open on the server', async () => {
    const rounds = 16;
    for (let round = 0; round < rounds; round++) {
      const s = openStack(env.kubeconfig());
      s.model.start();
      await converged(env.cluster, s, 'the initial list');
      if (round % 2 === 0) {
        // A 410 on the way back: the re-list and the new watch race the dispose.
        for (let i = 0; i < 5; i++) churn.step();
        env.cluster.faults.expireResourceVersions();
      }
      env.cluster.faults.dropWatches({ abrupt: round % 4 < 2 });
      // Dispose at a different point of the reconnect each time (0-15 ms in).
      if (round % 4 === 0) for (let i = 0; i < round; i++) await tick();
      else await new Promise((r) => setTimeout(r, round));
      s.dispose();
      await waitUntil(
        `no open watches after dispose (round ${round + 1})`,
        () => probe.openWatches === 0,
        3000,
        () => probe.openWatchPaths().join(', '),
      );
    }
    tally('View closed while watches reconnect', { injected: rounds, checks: rounds });
  });

  it('410 Gone (expired resourceVersion): re-lists and carries on, with changes made before and after', async () => {
    const s = open(env.kubeconfig());
    await converged(env.cluster, s, 'the initial list');
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const mark = probe.mark;
      // The watches drop, changes happen that the client has not seen, then the history is compacted (all in
      // one tick, before the client can reconnect): its last resourceVersion is expired.
      for (let i = 0; i < 5; i++) churn.step();
      env.cluster.faults.dropWatches({ abrupt: round % 2 === 1 });
      for (let i = 0; i < 5; i++) churn.step();
      env.cluster.faults.expireResourceVersions();
      // More changes while it reconnects (into a 410): only the re-list shows them.
      for (let i = 0; i < 5; i++) churn.step();
      await converged(env.cluster, s, `model == server after 410 round ${round + 1}`);
      const gets = probe.since(mark).filter((r) => r.method === 'GET' && !r.watch);
      // Namespaced Secret lists are the record look-ups of releases whose record is unlabelled (one per new
      // release the churn made, not re-lists); the informers' re-lists are the cluster-wide ones.
      const lookups = gets.filter((r) => /^\/api\/v1\/namespaces\/[^/]+\/secrets$/.test(r.path));
      const lists = gets.filter((r) => !lookups.includes(r));
      assert.ok(lists.length >= 1, 'a re-list happened');
      assert.ok(lists.length <= WATCHED_KINDS * 3, `no re-list storm: ${lists.length} lists`);
      assert.ok(lookups.length <= 15 * 2, `record look-ups only for the churn's new releases: ${lookups.length}`);
      assert.deepEqual(errorItems(s), []);
    }
    tally('410 Gone / expired resourceVersion', { injected: rounds, checks: rounds });
  });

  it('a server that answers every watch with 410 (a lagging watch cache): re-lists back off, no tight loop', async () => {
    const s = open(env.kubeconfig());
    await converged(env.cluster, s, 'the initial list');
    const store = env.cluster.store;
    const eventsSince = store.eventsSince.bind(store);
    const mark = probe.mark;
    const windowMs = 2000;
    try {
      // Every watch, even from the resourceVersion of a list just made, is "too old".
      store.eventsSince = () => undefined;
      env.cluster.faults.dropWatches();
      await new Promise((r) => setTimeout(r, windowMs));
    } finally {
      store.eventsSince = eventsSince;
    }
    const lists = probe.since(mark).filter((r) => r.method === 'GET' && !r.watch).length;
    // With backoff from 100 ms (TEST_BACKOFF) each kind re-lists at most ~5 times in 2 s; a tight loop, hundreds.
    const bound = WATCHED_KINDS * 8;
    churn.step();
    await converged(env.cluster, s, 'model == server once watches work again');
    assert.ok(lists <= bound, `${lists} re-lists in ${windowMs} ms of 410s (bound ${bound})`);
    tally('410 on every watch for 2 s (lagging watch cache)', { injected: 1, checks: 1, note: `${lists} re-lists` });
  });

  it('5xx burst: exponential backoff with jitter per kind, bounded request count, tree says so, then recovers', async () => {
    const s = open(env.kubeconfig());
    await converged(env.cluster, s, 'the initial list');
    const mark = probe.mark;
    env.cluster.faults.failNext(1_000_000, 503);
    env.cluster.faults.dropWatches({ abrupt: true });
    for (let i = 0; i < 10; i++) churn.step();
    // First the dropped connection, then the server's answer (a re-watch error carries only the HTTP status).
    const item = await waitUntil(
      "an error item with the server's answer and Retry",
      () => errorItems(s).find((m) => m.id === 'unreachable' && /injected fault|503/.test(m.detail ?? '')),
      5000,
      () => JSON.stringify(s.messages()),
    );
    assert.equal(item.action, 'retry');
    // Let the backoff run for a while against the failing server.
    const windowMs = 3000;
    await new Promise((r) => setTimeout(r, windowMs));
    const during = probe.since(mark);
    env.cluster.faults.failNext(0);
    await converged(env.cluster, s, 'model == server after the 5xx burst');
    assert.deepEqual(errorItems(s), []);

    // A tight loop would send thousands; with backoff each kind tries about log2(window / initial) times.
    const minGap = (k: number) => backoffDelay(k, TEST_BACKOFF, () => 0);
    let maxAttempts = 1;
    for (let t = 0, k = 0; t <= windowMs; k++) {
      t += minGap(k);
      maxAttempts++;
    }
    const bound = WATCHED_KINDS * (maxAttempts + 2);
    assert.ok(during.length <= bound, `${during.length} requests in ${windowMs} ms (bound ${bound})`);
    assert.ok(during.length >= WATCHED_KINDS, 'it did keep retrying');

    // The delays the hub asked for: per kind, doubling from the initial delay up to the cap, each jittered.
    const perKind = new Map<string, number[]>();
    for (const d of s.backoffDelays) {
      const list = perKind.get(d.kind) ?? [];
      list.push(d.ms);
      perKind.set(d.kind, list);
    }
    assert.ok(perKind.size >= 3, `every required kind backed off: ${[...perKind.keys()].join(', ')}`);
    let jittered = 0;
    for (const [kind, delays] of perKind) {
      delays.forEach((ms, i) => {
        const base = Math.min(TEST_BACKOFF.initialMs * 2 ** i, TEST_BACKOFF.maxMs);
        assert.ok(
          ms >= base * (1 - TEST_BACKOFF.jitter) - 1 &&
            ms <= Math.min(base * (1 + TEST_BACKOFF.jitter), TEST_BACKOFF.maxMs) + 1,
          `${kind} delay ${i} = ${ms} (base ${base}): ${delays.join(', ')}`,
        );
        if (Math.abs(ms - base) > 1) jittered++;
      });
    }
    assert.ok(jittered > 0, 'delays are jittered, not exact powers of two');
    tally('5xx burst (503 on every request for 3 s)', {
      injected: 1,
      checks: 1,
      note: `${during.length} requests in ${windowMs} ms, bound ${bound}`,
    });
  });

  it('added latency: a slow first answer shows as "still waiting", nothing is asked twice, then the model is right', async () => {
    env.cluster.faults.addLatency(WATCHED_KINDS * 2, 2500);
    const mark = probe.mark;
    const s = open(env.kubeconfig(), { answerTimeoutMs: 1000 });
    const waiting = await waitUntil(
      'the still-waiting item',
      () => s.messages().find((m) => m.id === 'unreachable'),
      5000,
    );
    assert.match(waiting.detail ?? '', /has not answered for 1 s \(still waiting\)/);
    for (let i = 0; i < 10; i++) churn.step();
    await converged(env.cluster, s, 'model == server after the slow answers');
    const lists = probe.since(mark).filter((r) => r.method === 'GET' && !r.watch);
    assert.ok(lists.length <= WATCHED_KINDS + 2, `one list per kind while slow, not retries: ${lists.length}`);
    tally('Latency (2.5 s on the first answers)', { injected: WATCHED_KINDS * 2, checks: 1 });
  });

  it('API server unreachable: a Retry item within 5 s; recovers by itself when it is back on the same port', async () => {
    const s = open(env.kubeconfig());
    await converged(env.cluster, s, 'the initial list');
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      await env.cluster.faults.stopListening();
      const item = await waitUntil(
        'the unreachable item',
        () => s.messages().find((m) => m.id === 'unreachable'),
        5000,
      );
      assert.equal(item.severity, 'error');
      assert.equal(item.action, 'retry');
      assert.match(item.message, /Cannot reach the cluster \(context sim-admin\)/);
      assert.ok(item.detail && item.detail.length > 0, 'says why');
      // The world moves on while we cannot see it.
      for (let i = 0; i < 15; i++) churn.step();
      await env.cluster.faults.startListening();
      await converged(env.cluster, s, `recovery after outage ${round + 1} (no Retry, no reload)`);
      assert.deepEqual(errorItems(s), []);
    }
    tally('API server unreachable (stopped, restarted on the same port)', { injected: rounds, checks: rounds });
  });

  it('401 mid-session (expired credential): a sign-in message, and the model is right again after re-auth', async () => {
    const tokenFile = join(env.dir, 'token');
    const plugin = join(env.dir, 'cred-plugin.sh');
    writeFileSync(tokenFile, env.cluster.tokens.admin);
    // An exec credential plugin (as cloud logins are) that reads its token from a file on every call.
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat '${tokenFile}')"\n`,
    );
    chmodSync(plugin, 0o755);
    const kc = parse(readFileSync(env.kubeconfig(), 'utf8')) as { users: Array<{ user: Record<string, unknown> }> };
    kc.users[0].user = {
      exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' },
    };
    const kubeconfig = join(env.dir, 'kc-exec.yaml');
    writeFileSync(kubeconfig, stringify(kc));
    const s = open(kubeconfig);
    await converged(env.cluster, s, 'ready with the plugin token');
    // The model can match the server from the lists alone: wait until every kind's watch is open.
    await waitUntil(
      'every watch open',
      () => probe.openWatches >= WATCHED_KINDS,
      10_000,
      () => probe.openWatchPaths().join(' '),
    );
    writeFileSync(tokenFile, 'expired-token');
    // Every kind reconnects, each with the plugin's new (expired) token: the server must answer 401, and say so.
    const mark = probe.mark;
    assert.ok(env.cluster.faults.dropWatches() > 0, 'watches were open to drop');
    const item = await waitUntil(
      'the unauthorized item',
      () => s.messages().find((m) => m.id === 'unauthorized'),
      10_000,
      () => `${JSON.stringify(s.model.state)} ${s.logs.slice(-5).join(' | ')}`,
    );
    const rejected = probe.since(mark).filter((r) => r.status === 401);
    assert.ok(rejected.length > 0, 'the fault happened: the server answered 401');
    assert.equal(s.model.state.phase, 'unauthorized');
    assert.match(item.message, /rejected the credentials.*sign in again/);
    assert.equal(item.action, 'retry');
    for (let i = 0; i < 10; i++) churn.step();
    writeFileSync(tokenFile, env.cluster.tokens.admin);
    s.model.retry();
    await converged(env.cluster, s, 'model == server after re-auth and Retry');
    assert.deepEqual(errorItems(s), []);
    assert.ok(!JSON.stringify(s.model.state).includes(env.cluster.tokens.admin), 'the token is not in the state');
    tally('401 (credential expired mid-session)', {
      injected: 1,
      checks: 1,
      note: `${rejected.length} requests answered 401`,
    });
  });

  it('403 on cluster-wide lists: namespace scope, said in the tree, and correct through drops', async () => {
    const s = open(env.kubeconfig('restricted'));
    await converged(env.cluster, s, 'namespace-scoped model', 10_000, 'default');
    const note = s.messages().find((m) => m.id === 'fallback');
    assert.ok(note, 'a fallback item');
    assert.match(note.message, /Showing namespace default only: listing across namespaces is forbidden/);
    assert.equal(note.action, 'selectNamespace');
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) churn.step();
      env.cluster.faults.dropWatches({ abrupt: round % 2 === 0 });
      await converged(env.cluster, s, `namespace model == server after drop ${round + 1}`, 10_000, 'default');
      assert.ok(
        s.model.releases.every((r) => r.namespace === 'default'),
        'nothing from other namespaces',
      );
    }
    const other = open(env.kubeconfig('restricted', 'churn-a'));
    const forbidden = await waitUntil(
      'the forbidden item',
      () => other.messages().find((m) => m.id === 'forbidden'),
      5000,
    );
    assert.match(forbidden.message, /No permission to list sandboxes in namespace churn-a/);
    assert.equal(forbidden.action, 'selectNamespace');
    tally('403 (restricted user: cluster-wide lists forbidden)', { injected: 6, checks: 6 });
  });
});
