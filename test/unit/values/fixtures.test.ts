// Every edit the extension makes, applied to each shared agent-env values file: for an agent-env release the
// result still has only keys agent-env accepts (facts doc); for a release of our chart it still renders with
// `helm template` (real helm 3.18 and 4.1).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValuesEntry } from '../../../src/core/cilium/suggest';
import { addValuesEntry } from '../../../src/core/cilium/valuesEdit';
import { loadedValues } from '../../../src/core/lint/document';
import { riskLevels } from '../../../src/core/timeouts/riskTable';
import { setRiskLevel } from '../../../src/core/timeouts/valuesEdit';
import { agentEnvChart } from '../../../src/core/values/charts';
import { helmVersions } from '../../support/tools';
import { cleanupHelmHome, fixturesDir, helm, templateArgs, validFixtures } from '../chart/support';

const entries: ValuesEntry[] = [
  { key: 'allowDomains', domain: 'api.example.com' },
  { key: 'allowDomains', domain: '*.example.org' },
  { key: 'allowDomainsPorts', domain: 'git.example.com', port: 2222, protocol: 'TCP' },
  { key: 'allowDomainsPorts', domain: 'pypi.org', port: 443, protocol: 'UDP' },
  { key: 'allowCIDR', cidr: '10.1.0.0/16' },
  { key: 'allowEntities', entity: 'kube-apiserver' },
  { key: 'allowEntities', entity: 'world' },
];

type Edit = { name: string; run: (text: string, chart: string) => { ok: boolean; text?: string; error?: string } };
const edits: Edit[] = [
  ...entries.map((e) => ({ name: `add ${JSON.stringify(e)}`, run: (t: string, c: string) => addValuesEntry(t, e, c) })),
  ...riskLevels.map((l) => ({ name: `risk level ${l}`, run: (t: string, c: string) => setRiskLevel(t, l, c) })),
];

/** Keys outside agent-env's schema (top level and per service). */
function notAgentEnv(values: Record<string, unknown>): string[] {
  const out = Object.keys(values).filter((k) => !agentEnvChart.topKeys.includes(k));
  for (const [name, svc] of Object.entries((values.services ?? {}) as Record<string, Record<string, unknown> | null>)) {
    for (const k of Object.keys(svc ?? {}))
      if (!agentEnvChart.serviceKeys.includes(k)) out.push(`services.${name}.${k}`);
  }
  return out;
}

describe('values edits on the shared agent-env files, per release chart', function () {
  this.timeout(180_000);
  let dir: string;
  const results: { fixture: string; edit: string; file: string }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'values-edits-'));
    for (const f of validFixtures) {
      const text = readFileSync(join(fixturesDir, f), 'utf8');
      edits.forEach((e, i) => {
        const r = e.run(text, 'k8s-sandbox');
        assert.ok(r.ok, `${f}: ${e.name}: ${r.error}`);
        const file = join(dir, `${f}-${i}.yaml`);
        writeFileSync(file, r.text!);
        results.push({ fixture: f, edit: e.name, file });
      });
    }
    await Promise.all(helmVersions.flatMap((v) => results.map((r) => helm(v, templateArgs('r1', [r.file])))));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    cleanupHelmHome();
  });

  it("agent-env release: every edit keeps the file within agent-env's keys, or is refused saying the key does not exist there", () => {
    for (const f of validFixtures) {
      const text = readFileSync(join(fixturesDir, f), 'utf8');
      assert.deepEqual(notAgentEnv(loadedValues(text)!), [], `${f} starts within agent-env's keys`);
      for (const e of edits) {
        const r = e.run(text, 'agent-env');
        if (!r.ok) {
          assert.match(r.error!, /agent-env chart, which has no timeouts key/, `${f}: ${e.name}`);
          continue;
        }
        assert.deepEqual(notAgentEnv(loadedValues(r.text!)!), [], `${f}: ${e.name}`);
      }
    }
  });

  for (const v of helmVersions) {
    it(`our release: every edited file renders with helm ${v}`, async () => {
      for (const r of results) {
        const out = await helm(v, templateArgs('r1', [r.file]));
        assert.equal(out.code, 0, `${r.fixture}: ${r.edit}: ${out.stderr}`);
      }
    });
  }
});
