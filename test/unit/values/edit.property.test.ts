// The values edit engine (src/core/values/edit.ts), property tests in one place: for every kind of edit the
// extension makes, on the shared agent-env files and on generated layouts, a success loads (the way Helm reads
// it) as exactly the old values plus the change, touches nothing else, and never adds a key the release's chart
// rejects; a refusal is a short message; nothing throws.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ValuesEntry } from '../../../src/core/cilium/suggest';
import { addValuesEntry } from '../../../src/core/cilium/valuesEdit';
import { loadedValues } from '../../../src/core/lint/document';
import { riskLevels } from '../../../src/core/timeouts/riskTable';
import { setRiskLevel } from '../../../src/core/timeouts/valuesEdit';
import { addedRejectedKeys, agentEnvChart, ourChart } from '../../../src/core/values/charts';
import { minimalEdit } from '../../../src/core/values/edit';
import { fixturesDir, validFixtures } from '../chart/support';

const fixtures = validFixtures.map((f) => readFileSync(join(fixturesDir, f), 'utf8'));

export const entries: fc.Arbitrary<ValuesEntry> = fc.oneof(
  fc
    .constantFrom('pypi.org', '*.example.com', 'github.com', 'api.example.com')
    .map((domain) => ({ key: 'allowDomains' as const, domain })),
  fc
    .record({
      domain: fc.constantFrom('pypi.org', 'git.example.com', '*.x.io'),
      port: fc.integer({ min: 1024, max: 65535 }),
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
    })
    .map((e) => ({ key: 'allowDomainsPorts' as const, ...e })),
  fc.constantFrom('10.1.0.0/16', '192.0.2.7/32').map((cidr) => ({ key: 'allowCIDR' as const, cidr })),
  fc.constantFrom('kube-apiserver', 'world', 'cluster').map((entity) => ({ key: 'allowEntities' as const, entity })),
);

/** Layouts the user may have written the lists in. */
const layouts: fc.Arbitrary<string> = fc
  .record({
    domains: fc.constantFrom(
      '',
      'allowDomains: []\n',
      'allowDomains:\n',
      'allowDomains:\n  - "pypi.org"\n',
      'allowDomains:\n- pypi.org # pinned\n',
      'allowDomains: [pypi.org, "github.com"]  # c\n',
    ),
    ports: fc.constantFrom('', 'allowDomainsPorts: []\n', 'allowDomainsPorts:\n  - {port: 22, protocol: tcp}\n'),
    timeouts: fc.constantFrom(
      '',
      'timeouts:\n',
      'timeouts:\n  riskLevel: low # ops\n',
      'timeouts: {appTimeoutSeconds: 100}\n',
    ),
    head: fc.constantFrom('', '# my eval\n', 'services:\n  default:\n    image: "python:3.12"\n'),
  })
  .map((p) => `${p.head}${p.domains}${p.ports}${p.timeouts}`);

const texts = fc.oneof(fc.constantFrom(...fixtures), layouts);
const charts = fc.constantFrom(undefined, 'k8s-sandbox', 'agent-env');

const itemOf = (e: ValuesEntry): unknown =>
  e.key === 'allowDomains'
    ? e.domain
    : e.key === 'allowCIDR'
      ? e.cidr
      : e.key === 'allowEntities'
        ? e.entity
        : { domain: e.domain, port: e.port, protocol: e.protocol };

/** Only keys listed change, and only by growing. */
function onlyGrew(before: Record<string, unknown>, after: Record<string, unknown>, keys: string[]): void {
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!keys.includes(k)) assert.deepEqual(after[k], before[k], `${k} unchanged`);
    else if (Array.isArray(before[k]))
      assert.deepEqual((after[k] as unknown[]).slice(0, (before[k] as unknown[]).length), before[k], `${k} only grows`);
  }
}

describe('values edit engine: properties', function () {
  this.timeout(120_000);

  it('"Add to values…": the entry is in the reloaded values, nothing else changed, the text is only added to', () => {
    fc.assert(
      fc.property(texts, entries, charts, (text, entry, chart) => {
        const r = addValuesEntry(text, entry, chart);
        if (!r.ok) {
          assert.ok(r.error.length < 300 && !r.error.includes('\n'), r.error);
          return;
        }
        const before = loadedValues(text)!;
        const after = loadedValues(r.text);
        assert.ok(after, `the result loads:\n${r.text}`);
        const key = entry.key;
        const list = after[key] as unknown[];
        if (r.changed) assert.deepEqual(list.at(-1), itemOf(entry));
        else assert.equal(r.text, text);
        onlyGrew(before, after, ['allowDomains', key]);
        assert.deepEqual(addedRejectedKeys(chart === 'agent-env' ? agentEnvChart : ourChart, before, after), []);
        // Layout kept: comments survive; one list grown is a pure insertion or the refill of an empty `key:` / flow list.
        for (const c of text.match(/#.*$/gm) ?? []) assert.ok(r.text.includes(c), `comment ${c} kept`);
        const e = minimalEdit(text, r.text);
        const replaced = text.slice(e.offset, e.offset + e.length);
        if (key !== 'allowDomainsPorts')
          assert.ok(
            e.length === 0 || /^[\s[\]]*(null)?[\s[\]]*$/.test(replaced) || /^\[.*\]$/.test(replaced.trim()),
            `replaced ${JSON.stringify(replaced)}`,
          );
      }),
      { numRuns: 600 },
    );
  });

  it('risk level: set on our releases (only timeouts.riskLevel changes); refused with the reason on agent-env releases', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(...riskLevels), charts, (text, level, chart) => {
        const r = setRiskLevel(text, level, chart);
        if (chart === 'agent-env') {
          assert.equal(r.ok, false);
          assert.match(r.ok ? '' : r.error, /agent-env chart, which has no timeouts key/);
          return;
        }
        if (!r.ok) return assert.ok(r.error.length < 300, r.error);
        const before = loadedValues(text)!;
        const after = loadedValues(r.text)!;
        assert.equal((after.timeouts as Record<string, unknown>).riskLevel, level);
        for (const k of Object.keys({ ...before, ...after }))
          if (k !== 'timeouts') assert.deepEqual(after[k], before[k], k);
        const t = { ...((before.timeouts as object | null) ?? {}), riskLevel: level };
        assert.deepEqual(after.timeouts, t);
      }),
      { numRuns: 300 },
    );
  });

  it('the engine never writes a key the chart rejects: agent-env has no timeouts', () => {
    assert.deepEqual(addedRejectedKeys(agentEnvChart, {}, { timeouts: { riskLevel: 'high' } }), ['timeouts']);
    assert.deepEqual(
      addedRejectedKeys(
        agentEnvChart,
        { services: { a: {} } },
        { services: { a: { terminationGracePeriodSeconds: 1 } } },
      ),
      ['services.a.terminationGracePeriodSeconds'],
    );
    assert.deepEqual(addedRejectedKeys(ourChart, {}, { timeouts: {}, allowDomains: [] }), []);
  });
});
