// The optional deep check with the real helm 3.18 and 4.1: the chart's fail messages and Helm's schema errors
// land on the right lines of the file.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChartDir } from '../../../src/core/lint/defaults';
import { helmCheck, helmTemplateCommand, parseHelmPath } from '../../../src/core/lint/helmCheck';
import { helmBinary, helmVersions } from '../../support/tools';
import { fixturesDir } from './helpers';

describe('lint: helm template deep check', function () {
  this.timeout(60_000);
  const chartDir = findChartDir()!;
  let dir = '';
  before(() => {
    assert.ok(chartDir, 'chart folder found');
    dir = mkdtempSync(join(tmpdir(), 'lint-helm-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds an argument array (no shell), values passed as one --values= argument', () => {
    assert.deepEqual(helmTemplateCommand('/x/helm', '/c', '-rf.yaml'), {
      command: '/x/helm',
      args: ['template', 'lint-check', '/c', '--values=-rf.yaml'],
    });
  });

  it('parses dotted, indexed and JSON-pointer paths', () => {
    assert.deepEqual(parseHelmPath('services.web.volumes[1]'), ['services', 'web', 'volumes', 1]);
    assert.deepEqual(parseHelmPath('/services/default/env/0'), ['services', 'default', 'env', 0]);
    assert.deepEqual(parseHelmPath('services.default.ports.1.protocol'), [
      'services',
      'default',
      'ports',
      1,
      'protocol',
    ]);
  });

  for (const v of helmVersions) {
    describe(`helm ${v}`, () => {
      const check = (file: string, text = readFileSync(file, 'utf8')) =>
        helmCheck({ helm: helmBinary(v), chartDir, file, text });

      it('renders a valid fixture without problems', async () => {
        assert.deepEqual(await check(join(fixturesDir, '07-volumes-values.yaml')), []);
      });

      it('maps a chart fail message to its line', async () => {
        const ds = await check(join(fixturesDir, 'invalid', 'allow-domains-ports-invalid-values.yaml'));
        assert.equal(ds.length, 1, JSON.stringify(ds));
        assert.equal(ds[0].rule, 'helm/fail');
        assert.equal(ds[0].line, 8);
        assert.match(ds[0].message, /port 443 with protocol ANY is not allowed/);
      });

      it('maps a schema error (unknown key) to its line', async () => {
        const f = join(dir, `unknown-${v}.yaml`);
        writeFileSync(f, 'services:\n  default:\n    image: "a:1"\n    imagee: 1\n');
        const ds = await check(f);
        assert.equal(ds[0]?.rule, 'helm/schema', JSON.stringify(ds));
        assert.equal(ds[0].line, 4);
      });

      it('maps an invalid service name to its line', async () => {
        const ds = await check(join(fixturesDir, 'invalid', 'invalid-service-name-values.yaml'));
        assert.ok(ds.length >= 1);
        assert.ok(ds.every((d) => d.rule === 'helm/schema'));
        assert.equal(ds[0].line, 2, JSON.stringify(ds));
      });

      it('maps a failing include in a templated additionalResources entry to its own line', async () => {
        const f = join(dir, `tpl-${v}.yaml`);
        writeFileSync(
          f,
          'services:\n  default:\n    image: "a:1"\nadditionalResources:\n  - |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: {{ include "agentEnv.fullnam" . }}-x\n',
        );
        const ds = await check(f);
        assert.equal(ds.length, 1, JSON.stringify(ds));
        assert.equal(ds[0].line, 9);
        assert.match(ds[0].message, /no template "agentEnv\.fullnam"/);
      });

      it('maps a schema error inside a list to the offending key, not line 1', async () => {
        const f = join(dir, `proto-${v}.yaml`);
        writeFileSync(
          f,
          'services:\n  default:\n    image: "a:1"\n    ports:\n      - port: 80\n      - port: 81\n        protocol: htp\n',
        );
        const ds = await check(f);
        assert.equal(ds.length, 1, JSON.stringify(ds));
        assert.equal(ds[0].line, 7);
      });

      it('reports a helm that cannot run', async () => {
        const ds = await helmCheck({ helm: join(dir, 'no-such-helm'), chartDir, file: 'x.yaml', text: '' });
        assert.equal(ds[0].rule, 'helm/error');
        assert.match(ds[0].message, /cannot run helm/);
      });
    });
  }
});
