// Issue 10, install faults, through our install flow (src/core/helm/install.ts) with the real helm: helm
// SIGKILLed at different points, an install that times out, a cancelled one, all running at the same time as
// healthy installs. Afterwards: no release record, Secret or workload of the failed ones; the healthy ones
// untouched; the tree model equals the server; no helm process left; no namespace deleted.
import { strict as assert } from 'node:assert';
import { InstallError, installSandbox } from '../../../src/core/helm/install';
import { tearDown } from '../../../src/core/helm/teardown';
import { SandboxError } from '../../../src/core/errors';
import type { KubeletFaults } from '../../sim/kubelet/faults';
import { helmVersions, type HelmVersion } from '../../support/tools';
import {
  fixture,
  helmProcesses,
  helmSetup,
  isReady,
  killHelm,
  leftovers,
  onceWhen,
  podsOf,
  type HelmSetup,
} from './support/helm';
import { ServerProbe } from './support/probe';
import { INSTANCE, SimEnv, converged, openStack, waitUntil, type Stack } from './support/stack';
import { tally } from './support/tally';

type Outcome = { ok: true; release: string } | { ok: false; release: string; error: unknown };

for (const version of helmVersions) {
  describe(`reliability: install faults with helm ${version}`, function () {
    this.timeout(120_000);
    const env = new SimEnv();
    let probe: ServerProbe;
    let h: HelmSetup;
    let stack: Stack;
    const offs: Array<() => void> = [];
    const tag = (name: string) => `${name}${version.replace(/\D/g, '').slice(0, 2)}`;

    before(async () => {
      const c = await env.start();
      probe = new ServerProbe(c.port);
      h = await helmSetup(c, version as HelmVersion);
      stack = openStack(env.kubeconfig());
      stack.model.start();
    });
    afterEach(() => {
      for (const off of offs.splice(0)) off();
    });
    after(async () => {
      stack?.dispose();
      probe?.dispose();
      h?.home.cleanup();
      await env.stop();
    });

    it('killed, timed-out and cancelled installs running next to healthy ones leave nothing; the healthy ones are untouched', async () => {
      const c = env.cluster;
      const faults = c.kubelet.faults as KubeletFaults;
      const r = {
        ok1: tag('okone'),
        ok2: tag('oktwo'),
        killRecord: tag('killrec'),
        killPod: tag('killpod'),
        timeout: tag('slow'),
        cancel: tag('cancel'),
      };
      const ac = new AbortController();
      const mine = (o: { metadata: { labels?: Record<string, string> } }, rel: string) =>
        o.metadata.labels?.[INSTANCE] === rel || o.metadata.labels?.name === rel;
      // helm killed right after it wrote the pending release record; and while it waits for the pods.
      offs.push(
        onceWhen(
          c,
          (o, kind) => kind === 'Secret' && mine(o, r.killRecord),
          () => assert.ok(killHelm(r.killRecord) > 0),
        ),
      );
      offs.push(
        onceWhen(
          c,
          (o, kind, type) => kind === 'Pod' && type === 'ADDED' && mine(o, r.killPod),
          () => assert.ok(killHelm(r.killPod) > 0),
        ),
      );
      // Pods that never become ready: helm's --wait times out.
      offs.push(
        c.store.subscribe((e) => {
          if (e.resource.kind !== 'Pod' || e.type !== 'ADDED' || !mine(e.object, r.timeout)) return;
          setImmediate(() => {
            try {
              faults.neverReady('default', e.object.metadata.name);
            } catch {
              // not on a node yet: the next event retries
            }
          });
        }),
      );
      offs.push(
        onceWhen(
          c,
          (o, kind) => kind === 'Pod' && mine(o, r.cancel),
          () => ac.abort(),
        ),
      );

      // Pod UIDs of each healthy sandbox when its install returned: the others' cleanup must not touch them.
      const uids = new Map<string, string[]>();
      const podUids = (rel: string) =>
        podsOf(c, rel)
          .map((p) => p.metadata.uid ?? '')
          .sort();
      const run = (
        release: string,
        values: string,
        extra: Parameters<HelmSetup['request']>[2] = {},
      ): Promise<Outcome> =>
        installSandbox(h.request(release, fixture(values), extra)).then(
          () => (uids.set(release, podUids(release)), { ok: true as const, release }),
          (error: unknown) => ({ ok: false as const, release, error }),
        );
      const outcomes = await Promise.all([
        run(r.ok1, '05-allow-domains-ports-scoped-values.yaml'),
        run(r.ok2, '01-dns-multi-service-values.yaml'),
        run(r.killRecord, '02-networks-values.yaml'),
        run(r.killPod, '05-allow-domains-ports-scoped-values.yaml'),
        run(r.timeout, '05-allow-domains-ports-scoped-values.yaml', { timeoutSeconds: 4 }),
        run(r.cancel, '01-dns-multi-service-values.yaml', { signal: ac.signal }),
      ]);
      const by = new Map(outcomes.map((o) => [o.release, o]));
      for (const ok of [r.ok1, r.ok2])
        assert.ok(by.get(ok)?.ok, `${ok}: ${String((by.get(ok) as { error?: unknown }).error)}`);
      const failure = (rel: string): InstallError => {
        const o = by.get(rel)!;
        assert.ok(!o.ok, `${rel} should have failed`);
        assert.ok(o.error instanceof InstallError, `${rel}: ${String(o.error)}`);
        assert.equal(o.error.removed, true, `${rel}: the partial release was removed`);
        assert.match(o.error.message, /The partial release was removed\./);
        return o.error;
      };
      assert.equal(failure(r.killRecord).failure.reason, 'HelmFailed');
      assert.equal(failure(r.killPod).failure.reason, 'HelmFailed');
      const slow = failure(r.timeout);
      assert.equal(slow.failure.reason, 'HelmTimeout');
      assert.ok(
        slow.diagnostics.some((d) => /not ready/.test(d)),
        `says why: ${slow.diagnostics.join(' | ')}`,
      );
      const cancelled = failure(r.cancel);
      assert.ok(SandboxError.is(cancelled, 'Cancelled'));
      assert.match(cancelled.message, /cancelled/);

      for (const rel of [r.killRecord, r.killPod, r.timeout, r.cancel])
        assert.deepEqual(leftovers(c, rel), [], `${rel} left nothing behind`);
      // The healthy installs: deployed, every pod Ready, nothing of theirs removed by the others' cleanup.
      for (const ok of [r.ok1, r.ok2]) {
        const pods = podsOf(c, ok);
        assert.ok(pods.length > 0 && pods.every(isReady), `${ok}: all pods ready`);
        assert.deepEqual(podUids(ok), uids.get(ok), `${ok}: the same pods as when its install returned`);
        const record = c.store
          .list(c.resources.secrets, 'default')
          .find((s) => s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === ok);
        assert.equal(record?.metadata.labels?.status, 'deployed');
      }
      await converged(c, stack, 'the tree shows exactly what is on the server');
      const shown = stack.model.releases.map((x) => x.name).sort();
      assert.deepEqual(shown, [r.ok1, r.ok2].sort());
      assert.deepEqual(helmProcesses(), [], 'no helm process left');

      const down = await tearDown(
        [r.ok1, r.ok2].map((release) => ({ namespace: 'default', release })),
        { helm: h.helm, env: h.env, kc: h.kc, timeoutSeconds: 60 },
      );
      assert.deepEqual(down.failed, []);
      for (const ok of [r.ok1, r.ok2]) assert.deepEqual(leftovers(c, ok), []);
      await converged(c, stack, 'the tree is empty again');
      assert.equal(stack.model.releases.length, 0);
      assert.deepEqual(probe.namespaceDeletes(), [], 'nothing deleted a namespace');
      tally('helm SIGKILLed mid-install (after its record; during --wait)', {
        injected: 2,
        checks: 2,
        note: 'helm 3.18 and 4.1, next to healthy installs',
      });
      tally('Install timeout (pods never ready)', { injected: 1, checks: 1, note: 'helm 3.18 and 4.1' });
      tally('Install cancelled', { injected: 1, checks: 1, note: 'helm 3.18 and 4.1' });
      tally('Concurrent healthy installs beside failing ones', { injected: 2, checks: 2, note: 'helm 3.18 and 4.1' });
    });

    // One helm major is enough here (both go through the same kill handling; the test above covers both).
    if (version === '3.18.0')
      it('helm killed at a random moment, eight times in parallel: each partial release is removed', async () => {
        const c = env.cluster;
        const releases = Array.from({ length: 8 }, (_, i) => tag(`rnd${i}x`));
        // Kill points spread over the install: 0.2 s to 3 s after helm install starts.
        const killers = releases.map((rel, i) =>
          (async () => {
            const started = await waitUntil(
              `helm install ${rel} started`,
              () => helmProcesses(rel, 'install').length > 0,
              30_000,
            ).then(
              () => true,
              () => false,
            );
            if (!started) return 0;
            await new Promise((res) => setTimeout(res, 200 + ((i * 397) % 2800)));
            return killHelm(rel);
          })(),
        );
        const results = await Promise.all(
          releases.map((rel) =>
            installSandbox(h.request(rel, fixture('05-allow-domains-ports-scoped-values.yaml'))).then(
              () => 'installed',
              (e: unknown) => e,
            ),
          ),
        );
        const killed = await Promise.all(killers);
        let interrupted = 0;
        for (const [i, rel] of releases.entries()) {
          const res = results[i];
          if (res === 'installed') {
            // helm finished before its kill point: a normal sandbox; tear it down.
            await tearDown([{ namespace: 'default', release: rel }], {
              helm: h.helm,
              env: h.env,
              kc: h.kc,
              timeoutSeconds: 60,
            });
          } else {
            assert.ok(res instanceof InstallError && res.removed, `${rel}: ${String(res)}`);
            interrupted++;
          }
          assert.deepEqual(leftovers(c, rel), [], `${rel} left nothing behind`);
        }
        assert.ok(
          interrupted >= 4 && killed.filter((k) => k > 0).length >= interrupted,
          `most installs were interrupted (${interrupted})`,
        );
        await converged(c, stack, 'the tree is empty');
        assert.equal(stack.model.releases.length, 0);
        assert.deepEqual(helmProcesses(), []);
        tally('helm SIGKILLed at a random moment (8 installs in parallel)', {
          injected: interrupted,
          checks: releases.length,
          note: 'helm 3.18, 0.2-3 s into the install',
        });
      });
  });
}
