// whoAmI against the simulated API server: v1, the v1beta1 fallback, "not served" and "forbidden" as unknown
// (never a kubeconfig guess), one request per context (cached), and a failure that is not cached.
import { strict as assert } from 'node:assert';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { creatorIdOf } from '../../../src/core/kube/identity';
import { writeCloudKubeconfig } from '../../sim/cloudKubeconfig';
import { ServerProbe } from '../reliability/support/probe';
import { SimEnv } from '../reliability/support/stack';

describe('identity: whoAmI from SelfSubjectReview', function () {
  this.timeout(60_000);
  const env = new SimEnv();
  let probe: ServerProbe;
  before(async () => {
    const c = await env.start();
    probe = new ServerProbe(c.port);
  });
  after(async () => {
    probe?.dispose();
    await env.stop();
  });
  afterEach(() => env.cluster.faults.serveSelfSubjectReview('v1'));

  const reviews = (mark: number) => probe.since(mark).filter((r) => r.path.includes('selfsubjectreviews'));

  it('asks v1 once per context and caches the answer until reload', async () => {
    const access = new ClusterAccess({ source: () => ({ setting: env.kubeconfig('restricted') }) });
    const mark = probe.mark;
    const [a, b] = await Promise.all([access.whoAmI(), access.whoAmI()]);
    assert.deepEqual(a, {
      known: true,
      identity: {
        username: 'sim-restricted',
        groups: ['system:authenticated'],
        creator: creatorIdOf('sim-restricted'),
      },
    });
    assert.deepEqual(b, a);
    assert.deepEqual(access.knownIdentity, a);
    assert.deepEqual(
      reviews(mark).map((r) => `${r.method} ${r.path}`),
      ['POST /apis/authentication.k8s.io/v1/selfsubjectreviews'],
    );
    access.reload();
    assert.equal(access.knownIdentity, undefined);
    await access.whoAmI();
    assert.equal(reviews(mark).length, 2, 'asked again after reload');
    access.dispose();
  });

  it('falls back to v1beta1; not served or forbidden is unknown, with the reason', async () => {
    const kc = env.kubeconfig();
    env.cluster.faults.serveSelfSubjectReview('v1beta1');
    const old = await new ClusterAccess({ source: () => ({ setting: kc }) }).whoAmI();
    assert.ok(old.known && old.identity.username === 'sim-admin');
    env.cluster.faults.serveSelfSubjectReview('none');
    const none = await new ClusterAccess({ source: () => ({ setting: kc }) }).whoAmI();
    assert.deepEqual(none, {
      known: false,
      reason:
        'the API server does not serve SelfSubjectReview (authentication.k8s.io v1 or v1beta1; Kubernetes < 1.26)',
    });
    env.cluster.faults.serveSelfSubjectReview('v1');
    const denied = writeCloudKubeconfig(env.cluster, env.dir, 'gke', 'erin', { user: { denySelfReview: true } });
    const forbidden = await new ClusterAccess({ source: () => ({ setting: denied }) }).whoAmI();
    assert.equal(forbidden.known, false);
  });

  it('does not cache a failure (unreachable): the next call asks again', async () => {
    const access = new ClusterAccess({ source: () => ({ setting: env.kubeconfig() }) });
    await env.cluster.faults.stopListening();
    await assert.rejects(access.whoAmI());
    await env.cluster.faults.startListening();
    const w = await access.whoAmI();
    assert.ok(w.known && w.identity.username === 'sim-admin');
    access.dispose();
  });
});
