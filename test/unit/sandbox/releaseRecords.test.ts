// Rechecks of a pending release record: backoff from 250 ms to 30 s, for a bounded time only (a helm process that
// died leaves its record pending forever), and again from the start when the release's pods change. A fake clock
// drives the timers and a fake API counts the requests.
import { strict as assert } from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { PARTIAL_LIST_ACCEPT, type RawRequest } from '../../../src/core/kube/rawRequest';
import { PENDING_RECHECK_MS, ReleaseRecords, type WantedRelease } from '../../../src/core/sandbox/releaseRecords';
import { FakeClock } from './fakeClock';
import { releaseSecret } from './fixtures';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReleaseRecords: rechecks of a pending record', () => {
  let clock: FakeClock;
  let records: ReleaseRecords;
  /** Times of the metadata-only lists (one per look at the record). */
  let looks: number[];
  let status: string;
  let secret: Record<string, unknown>;

  const release = (version: string): WantedRelease => ({ namespace: 'default', release: 'plain', version });
  const meta = (): { uid: string; resourceVersion: string } =>
    secret.metadata as { uid: string; resourceVersion: string };

  beforeEach(async () => {
    clock = new FakeClock(1_000_000);
    looks = [];
    status = 'pending-install';
    secret = releaseSecret({ name: 'plain', status });
    const request = (async (_kc: KubeConfig, r: RawRequest) => {
      if (r.accept === PARTIAL_LIST_ACCEPT) {
        looks.push(clock.now());
        return { items: [{ metadata: { uid: meta().uid, resourceVersion: meta().resourceVersion } }] };
      }
      return { items: [secret] };
    }) as <T>(kc: KubeConfig, r: RawRequest) => Promise<T>;
    records = new ReleaseRecords(() => ({}) as KubeConfig, { clock, request });
    records.want([release('pods-1')]);
    await settle();
    assert.equal(records.secrets()[0]?.metadata?.labels?.status, 'pending-install');
    assert.equal(looks.length, 1);
  });
  afterEach(() => records.dispose());

  it(`looks again with backoff, then stops ${PENDING_RECHECK_MS / 60_000} min after it first saw the record pending`, async () => {
    const first = clock.now();
    await clock.advance(2_000);
    assert.deepEqual(
      looks.slice(1).map((t) => t - first),
      [250, 750, 1750],
    );
    await clock.advance(PENDING_RECHECK_MS);
    const last = looks.at(-1)! - first;
    assert.ok(last >= PENDING_RECHECK_MS && last <= PENDING_RECHECK_MS + 30_000, `last look at +${last} ms`);
    assert.ok(
      looks.slice(1).every((t, i) => t - looks[i] <= 30_000),
      'never more than 30 s apart while rechecking',
    );
    assert.equal(clock.pending, 0, 'no timer left');
    const count = looks.length;
    await clock.advance(60 * 60_000);
    assert.equal(looks.length, count, 'no request for an hour after the cap');
    assert.equal(records.secrets()[0]?.metadata?.labels?.status, 'pending-install', 'the record is still shown');
  });

  it('a pod change looks at once and restarts the backoff (and the window)', async () => {
    await clock.advance(PENDING_RECHECK_MS + 60_000);
    const capped = looks.length;
    assert.equal(clock.pending, 0);

    records.want([release('pods-2')]);
    await settle();
    assert.equal(looks.length, capped + 1, 'the new pod version is looked at');
    const changed = clock.now();
    await clock.advance(2_000);
    assert.deepEqual(
      looks.slice(capped + 1).map((t) => t - changed),
      [250, 750, 1750],
      'from 250 ms again',
    );
    await clock.advance(PENDING_RECHECK_MS);
    assert.equal(clock.pending, 0, 'capped again');
    assert.ok(looks.at(-1)! - changed >= PENDING_RECHECK_MS);
  });

  it('stops as soon as the record is no longer pending', async () => {
    await clock.advance(300);
    secret = releaseSecret({ name: 'plain', status: 'deployed' });
    await clock.advance(500);
    assert.equal(records.secrets()[0]?.metadata?.labels?.status, 'deployed');
    assert.equal(clock.pending, 0);
    const count = looks.length;
    await clock.advance(60 * 60_000);
    assert.equal(looks.length, count);
  });
});
