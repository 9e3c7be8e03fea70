// SelfSubjectReview: the real `kubectl auth whoami` (1.33, 1.35) names the user the token belongs to, for the
// admin and restricted kubeconfigs and for EKS/GKE-shaped kubeconfigs where two people share one user name.
import assert from 'node:assert/strict';
import { kubectlBinary, kubectlVersions } from '../support/tools';
import { CLOUD_USER_NAMES, writeCloudKubeconfig } from './cloudKubeconfig';
import { startCluster, type SimCluster } from './cluster';
import { killAll, run, ToolHome } from './testing/run';

interface Review {
  kind: string;
  apiVersion: string;
  status: { userInfo: { username: string; groups?: string[]; extra?: Record<string, string[]> } };
}

describe('sim: SelfSubjectReview (kubectl auth whoami)', function () {
  this.timeout(60_000);
  let cluster: SimCluster;
  let home: ToolHome;

  before(async () => {
    cluster = await startCluster({ restrictedNamespace: 'team' });
    home = new ToolHome();
  });
  after(async () => {
    killAll();
    await cluster?.stop();
    home?.cleanup();
  });

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      const whoami = async (kubeconfig: string, ...args: string[]) => {
        const r = await run(kubectlBinary(v), ['auth', 'whoami', ...args], home.env(kubeconfig));
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
      };

      it('prints the admin and the restricted user with their groups', async () => {
        const admin = JSON.parse(
          await whoami(cluster.writeKubeconfig(home.path(`admin-${v}`)), '-o', 'json'),
        ) as Review;
        assert.equal(admin.kind, 'SelfSubjectReview');
        assert.equal(admin.apiVersion, 'authentication.k8s.io/v1');
        assert.equal(admin.status.userInfo.username, 'sim-admin');
        assert.deepEqual(admin.status.userInfo.groups, ['system:masters', 'system:authenticated']);
        const table = await whoami(cluster.writeKubeconfig(home.path(`restricted-${v}`), { user: 'restricted' }));
        assert.match(table, /^Username\s+sim-restricted$/m);
        assert.match(table, /^Groups\s+\[system:authenticated\]$/m);
      });

      for (const shape of ['eks', 'gke'] as const) {
        it(`${shape}: two people with the same kubeconfig user name are two users to the server`, async () => {
          const alice = writeCloudKubeconfig(cluster, home.path(`cloud-${v}`), shape, 'alice');
          const bob = writeCloudKubeconfig(cluster, home.path(`cloud-${v}`), shape, 'bob');
          const users = await Promise.all(
            [alice, bob].map(async (k) => (JSON.parse(await whoami(k, '-o', 'json')) as Review).status.userInfo),
          );
          const expected =
            shape === 'eks'
              ? (p: string) => `arn:aws:sts::111122223333:assumed-role/EvalsEngineer/${p}`
              : (p: string) => `${p}@example.com`;
          assert.deepEqual(
            users.map((u) => u.username),
            [expected('alice'), expected('bob')],
          );
          if (shape === 'eks') assert.deepEqual(users[0].extra?.sessionName, ['alice']);
          const names = await Promise.all(
            [alice, bob].map(
              async (k) =>
                (await run(kubectlBinary(v), ['config', 'view', '-o', 'jsonpath={.users[0].name}'], home.env(k)))
                  .stdout,
            ),
          );
          assert.deepEqual(
            names,
            [CLOUD_USER_NAMES[shape], CLOUD_USER_NAMES[shape]],
            'one kubeconfig user name for both',
          );
        });
      }

      it('falls back to v1beta1 on an older server and fails clearly on one without it', async () => {
        const k = cluster.writeKubeconfig(home.path(`old-${v}`));
        try {
          cluster.faults.serveSelfSubjectReview('v1beta1');
          const r = JSON.parse(await whoami(k, '-o', 'json')) as Review;
          assert.equal(r.apiVersion, 'authentication.k8s.io/v1beta1');
          assert.equal(r.status.userInfo.username, 'sim-admin');
          cluster.faults.serveSelfSubjectReview('none');
          const none = await run(kubectlBinary(v), ['auth', 'whoami'], home.env(k));
          assert.notEqual(none.code, 0);
          assert.match(none.stderr, /API|not enabled|not found|could not find/i);
        } finally {
          cluster.faults.serveSelfSubjectReview('v1');
        }
      });
    });
  }
});
