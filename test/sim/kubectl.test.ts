// Real kubectl 1.33 and 1.35 against the sim: tables, -o json, -w, describe, apply/patch/scale, protobuf
// creates, graceful delete with waiting, and the restricted user's 403 / a wrong token's 401.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { kubectlBinary, kubectlVersions } from '../support/tools';
import { startCluster, type SimCluster } from './cluster';
import { eventually, killAll, run, start, ToolHome } from './testing/run';

const deployment = (ns: string, replicas: number, image = 'nginx:1.27'): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image,
              command: ['sleep', 'infinity'],
              resources: { limits: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  });

describe('sim: real kubectl', function () {
  this.timeout(60_000);
  let cluster: SimCluster;
  let home: ToolHome;
  let admin: NodeJS.ProcessEnv;
  let restricted: NodeJS.ProcessEnv;

  before(async () => {
    cluster = await startCluster({ restrictedNamespace: 'team' });
    home = new ToolHome();
    admin = home.env(cluster.writeKubeconfig(home.path('admin')));
    restricted = home.env(cluster.writeKubeconfig(home.path('restricted'), { user: 'restricted' }));
  });
  after(async () => {
    killAll();
    await cluster?.stop();
    home?.cleanup();
  });

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      const ns = `k${v.replace(/\./g, '')}`;
      const k = (args: string[], env = admin, input?: string) => run(kubectlBinary(v), args, env, { input });

      it('creates a namespace and a configmap (protobuf bodies) and reads them back', async () => {
        assert.equal((await k(['create', 'namespace', ns])).code, 0);
        const cm = await k(['create', 'configmap', 'cfg', '-n', ns, '--from-literal=a=1', '--from-literal=b=two']);
        assert.equal(cm.code, 0, cm.stderr);
        const got = JSON.parse((await k(['get', 'configmap', 'cfg', '-n', ns, '-o', 'json'])).stdout) as {
          data: Record<string, string>;
        };
        assert.deepEqual(got.data, { a: '1', b: 'two' });
        const sec = await k(['create', 'secret', 'generic', 's', '-n', ns, '--from-literal=token=xyz']);
        assert.equal(sec.code, 0, sec.stderr);
        assert.equal(
          Buffer.from(
            (cluster.store.get(cluster.resources.secrets, ns, 's')!.data as Record<string, string>).token,
            'base64',
          ).toString(),
          'xyz',
        );
      });

      it('applies a Deployment; pods become Ready; get prints READY/STATUS/RESTARTS', async () => {
        const file = home.path(`deploy-${ns}.json`);
        writeFileSync(file, deployment(ns, 2));
        const ap = await k(['apply', '-f', file]);
        assert.equal(ap.code, 0, ap.stderr);
        const w = await k(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', ns, '--timeout=30s']);
        assert.equal(w.code, 0, w.stderr);
        const table = await k(['get', 'pods', '-n', ns]);
        assert.match(table.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
        assert.equal(
          table.stdout.split('\n').filter((l) => /^web-\w+-\w+\s+1\/1\s+Running\s+0\s+/.test(l)).length,
          2,
          table.stdout,
        );
        const rs = await k(['get', 'deploy', 'web', '-n', ns]);
        assert.match(rs.stdout, /web\s+2\/2\s+2\s+2/);
        const json = JSON.parse((await k(['get', 'pods', '-n', ns, '-o', 'json'])).stdout) as {
          kind: string;
          items: Array<{
            metadata: { ownerReferences: Array<{ kind: string }> };
            status: { qosClass: string; podIP: string };
          }>;
        };
        assert.equal(json.kind, 'List');
        assert.equal(json.items.length, 2);
        assert.equal(json.items[0].metadata.ownerReferences[0].kind, 'ReplicaSet');
        assert.equal(json.items[0].status.qosClass, 'Guaranteed');
        assert.ok(json.items[0].status.podIP);
      });

      it('re-applies with a strategic merge patch and scales through the scale subresource', async () => {
        const file = home.path(`deploy-${ns}.json`);
        writeFileSync(file, deployment(ns, 2, 'nginx:1.28'));
        const ap = await k(['apply', '-f', file]);
        assert.equal(ap.code, 0, ap.stderr);
        assert.match(ap.stdout, /deployment.apps\/web configured/);
        const d = cluster.store.get(cluster.resources.deployments, ns, 'web') as unknown as {
          spec: { template: { spec: { containers: Array<{ image: string; name: string }> } } };
        };
        assert.deepEqual(
          d.spec.template.spec.containers.map((c) => [c.name, c.image]),
          [['app', 'nginx:1.28']],
        );
        const sc = await k(['scale', 'deployment/web', '-n', ns, '--replicas=1']);
        assert.equal(sc.code, 0, sc.stderr);
        await eventually(
          async () => /web\s+1\/1\s+1\s+1/.test((await k(['get', 'deploy', 'web', '-n', ns])).stdout),
          'scaled to 1',
        );
        const lbl = await k(['label', 'deployment', 'web', '-n', ns, 'tier=front']);
        assert.equal(lbl.code, 0, lbl.stderr);
        assert.equal(cluster.store.get(cluster.resources.deployments, ns, 'web')!.metadata.labels!.tier, 'front');
      });

      it('get -w streams the changes of a new pod', async () => {
        const watch = start(kubectlBinary(v), ['get', 'pods', '-n', ns, '-w'], admin);
        await eventually(() => /web-/.test(watch.output()), 'initial list');
        const pod = await k(['run', 'watched', '-n', ns, '--image=busybox:1.36', '--', 'sleep', '3600']);
        assert.equal(pod.code, 0, pod.stderr);
        await eventually(() => /watched\s+1\/1\s+Running/.test(watch.output()), 'watched Running in the watch output');
        assert.match(watch.output(), /watched\s+0\/1\s+(Pending|ContainerCreating)/);
        watch.child.kill();
      });

      it('describe pod shows QoS, conditions and events', async () => {
        const d = await k(['describe', 'pod', 'watched', '-n', ns]);
        assert.equal(d.code, 0, d.stderr);
        assert.match(d.stdout, /QoS Class:\s+BestEffort/);
        assert.match(d.stdout, /Node:\s+sim-node-\d/);
        assert.match(d.stdout, /Ready\s+True/);
        assert.match(d.stdout, /Scheduled\s+.*default-scheduler\s+Successfully assigned/);
      });

      it('delete waits until the pod is gone', async () => {
        const del = await k(['delete', 'pod', 'watched', '-n', ns]);
        assert.equal(del.code, 0, del.stderr);
        assert.match(del.stdout, /pod "watched" deleted/);
        assert.equal(cluster.store.get(cluster.resources.pods, ns, 'watched'), undefined);
        const get = await k(['get', 'pod', 'watched', '-n', ns]);
        assert.equal(get.code, 1);
        assert.match(get.stderr, /Error from server \(NotFound\): pods "watched" not found/);
      });

      it('the restricted user gets 403 outside its namespace and works inside it', async () => {
        const all = await k(['get', 'pods', '-A'], restricted);
        assert.equal(all.code, 1);
        assert.match(
          all.stderr,
          /Error from server \(Forbidden\): pods is forbidden: User "sim-restricted" cannot list resource "pods" in API group "" at the cluster scope/,
        );
        const other = await k(['get', 'statefulsets', '-n', 'kube-system'], restricted);
        assert.match(
          other.stderr,
          /statefulsets.apps is forbidden: User "sim-restricted" cannot list resource "statefulsets" in API group "apps" in the namespace "kube-system"/,
        );
        const own = await k(['get', 'pods', '-n', 'team'], restricted);
        assert.equal(own.code, 0, own.stderr);
        const can = await k(['auth', 'can-i', 'list', 'pods', '-A'], restricted);
        assert.equal(can.stdout.trim(), 'no');
        const canOwn = await k(['auth', 'can-i', 'create', 'pods', '-n', 'team'], restricted);
        assert.equal(canOwn.stdout.trim(), 'yes');
      });

      it('routes exec and logs to the kubelet after validating the pod and container', async () => {
        const agent = cluster.store
          .list(cluster.resources.pods, 'kube-system')
          .find((p) => p.metadata.labels?.['k8s-app'] === 'cilium')!.metadata.name;
        const ex = await k(['exec', '-n', 'kube-system', agent, '--', 'sh', '-c', 'echo routed; exit 3']);
        assert.equal(ex.code, 3, ex.stderr);
        assert.equal(ex.stdout, 'routed\n');
        const badContainer = await k(['exec', '-n', 'kube-system', agent, '-c', 'nope', '--', 'true']);
        assert.match(
          badContainer.stderr,
          new RegExp(`Error from server \\(BadRequest\\): container nope is not valid for pod ${agent}`),
        );
        const missing = await k(['exec', '-n', 'kube-system', 'no-such-pod', '--', 'true']);
        assert.match(missing.stderr, /Error from server \(NotFound\): pods "no-such-pod" not found/);
        const logs = await k(['logs', '-n', 'kube-system', agent]);
        assert.equal(logs.code, 0, logs.stderr);
        const forbidden = await k(['exec', '-n', 'kube-system', agent, '--', 'true'], restricted);
        assert.match(forbidden.stderr, /Forbidden/);
      });

      it('a wrong token is 401', async () => {
        const bad = home.path(`bad-${ns}`);
        cluster.writeKubeconfig(bad);
        writeFileSync(
          bad,
          (await import('node:fs')).readFileSync(bad, 'utf8').replace(cluster.tokens.admin, 'not-a-token'),
        );
        const r = await k(['get', 'pods'], home.env(bad));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/);
      });
    });
  }
});
