// Differential test: every values file of the corpus (shared agent-env fixtures, agent-env documentation examples,
// one case per parity bullet) rendered by our chart with the real helm 3.18 and 4.1, reduced to its semantic
// projection (names resolved, destinations and peers reached, ports opened, accounts, runtime, mounts) and compared
// with agent-env's documented behaviour for the same file (parity/agentEnvModel.ts).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { lintValues } from '../../../src/core/lint/api';
import { chartHelpers } from '../../../src/core/lint/rules/templates';
import { helmVersions } from '../../support/tools';
import { agentEnvProjection } from './parity/agentEnvModel';
import { bulletCases, corpus } from './parity/corpus';
import { ourProjection } from './parity/ours';
import type { Vals } from './parity/projection';
import { byName, chartDir, cleanupHelmHome, ofKind, render, type Obj } from './support';

const NS = 'sandbox-ns';

/** Values as Helm merges them: the file over the defaults (both charts default to a `default` service). */
function merged(yaml: string): Vals {
  const user: Vals = parse(yaml) ?? {};
  const defaults: Vals = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  const services: Vals = { default: defaults.services.default };
  for (const [k, v] of Object.entries(user.services ?? {})) services[k] = k === 'default' ? { ...defaults.services.default, ...(v as Vals) } : v;
  return { ...user, services };
}

describe('chart: agent-env parity (differential, semantic projection)', function () {
  this.timeout(180_000);
  let dir: string;
  const files = new Map<string, string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chart-parity-'));
    corpus.forEach((c, i) => {
      const f = join(dir, `case-${i}-values.yaml`);
      writeFileSync(f, c.yaml);
      files.set(c.name, f);
    });
    await Promise.all(helmVersions.flatMap((v) => corpus.map((c) => render(v, 'r1', [files.get(c.name)!]).catch(() => undefined))));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    cleanupHelmHome();
  });

  for (const c of corpus) {
    for (const v of helmVersions) {
      it(`${c.name} (helm ${v})`, async () => {
        const objs = await render(v, 'r1', [files.get(c.name)!]);
        const values = merged(c.yaml);
        const ours = ourProjection(objs, values, NS);
        const theirs = agentEnvProjection(values, NS);
        assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), 'services');
        const keys = Object.keys(theirs).flatMap((svc) => Object.keys(theirs[svc]).map((k) => [svc, k as keyof (typeof theirs)[string]] as const));
        const differ = keys.filter(([svc, k]) => !isDeepStrictEqual(ours[svc][k], theirs[svc][k]));
        for (const [svc, k] of differ) assert.deepEqual(ours[svc][k], theirs[svc][k], `differs in ${differ.map(([s, x]) => `${s}.${x}`).join(', ')}; first: ${svc}.${k}`);
      });
    }
  }

  it('the linter reports no error on any corpus file (agent-env and our chart both accept them)', () => {
    for (const c of corpus) {
      const errors = lintValues(c.yaml).filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.line}: ${d.rule}: ${d.message}`), [], c.name);
    }
  });

  const bullet = (prefix: string): string => files.get(bulletCases.find((c) => c.name.startsWith(prefix))!.name)!;

  for (const v of helmVersions) {
    it(`agentEnv.* helpers render this release's names and select its pods (helm ${v})`, async () => {
      const objs = await render(v, 'r1', [bullet('bullet: agentEnv.* helpers')]);
      const extra = byName(objs, 'CiliumNetworkPolicy', 'r1-extra');
      const pods = ofKind(objs, 'StatefulSet').map((s) => s.spec.template.metadata.labels as Record<string, string>);
      const selects = (sel: Record<string, string>): number => pods.filter((l) => Object.entries(sel).every(([k, val]) => l[k] === val)).length;
      assert.equal(selects(extra.spec.endpointSelector.matchLabels), pods.length, 'agentEnv.selectorLabels selects every pod of the release');
      assert.equal(selects(extra.spec.egress[0].toEndpoints[0].matchLabels), pods.length);
      assert.equal(extra.metadata.labels.team, 'evals', 'agentEnv.labels carries the user labels');
      assert.equal(extra.metadata.labels['app.kubernetes.io/instance'], 'r1');
      const defined = [...readFileSync(join(chartDir, 'templates/_helpers.tpl'), 'utf8').matchAll(/define "([^"]+)"/g)].map((m) => m[1]).sort();
      for (const h of ['agentEnv.name', 'agentEnv.fullname', 'agentEnv.chart', 'agentEnv.labels', 'agentEnv.labelsFromValues', 'agentEnv.selectorLabels', 'shouldCreateDnsRecord', 'agentEnv.servicePortsListFor']) {
        assert.ok(defined.includes(h), `${h} is defined`);
      }
      assert.deepEqual([...chartHelpers].sort(), defined, 'the linter knows exactly the chart\'s helpers');
    });

    it(`agent-env's names: Service ports port-<n>, Corefile and resolv.conf mounts, volume and ConfigMap names (helm ${v})`, async () => {
      const objs = await render(v, 'r1', [bullet('bullet: agent-env names')]);
      assert.deepEqual(byName(objs, 'Service', 'r1-web').spec.ports, [
        { name: 'port-80', port: 80, protocol: 'TCP' },
        { name: 'port-8080', port: 8080, protocol: 'TCP' },
      ]);
      const pod = byName(objs, 'StatefulSet', 'r1-default').spec.template.spec;
      assert.deepEqual(pod.containers[1].volumeMounts, [{ name: 'coredns-config', mountPath: '/etc/coredns/Corefile', subPath: 'Corefile', readOnly: true }]);
      assert.deepEqual(
        pod.volumes.map((x: Obj) => `${x.name}:${x.configMap?.name ?? x.persistentVolumeClaim?.claimName}`),
        ['coredns-config:r1-coredns-configmap', 'resolv-conf:r1-resolv-conf', 'r1-data:r1-data'],
      );
      assert.ok(byName(objs, 'ConfigMap', 'r1-coredns-configmap').data.Corefile);
      assert.equal(byName(objs, 'ConfigMap', 'r1-resolv-conf').data['resolv.conf'], 'nameserver 127.0.0.1\n');
    });
  }
});
