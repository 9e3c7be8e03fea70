// Issue 10, bad input: everything that parses values (the linter's document model, the inspector's "add to
// values" edit, the risk-level edit, the timeouts reader, Helm release records from the cluster) on hostile
// input, 10,000 cases: no throw other than the documented rejection, edits that succeed give valid YAML with the
// change in it, nothing pollutes prototypes, bounded time per case. Plus a gzip bomb in a release record.
import { strict as assert } from 'node:assert';
import zlib, { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { addValuesEntry } from '../../../src/core/cilium/valuesEdit';
import type { ValuesEntry } from '../../../src/core/cilium/suggest';
import { InputRejected, ValuesDoc, toPlain } from '../../../src/core/lint/document';
import { decodeReleaseSecret } from '../../../src/core/sandbox/helmRelease';
import { timeoutValues } from '../../../src/core/timeouts/inspect';
import { setRiskLevel } from '../../../src/core/timeouts/valuesEdit';
import { RUNS, assertNoPollution, hostile, bounded } from './support/gen';

/** The edits re-parse their result (and so does the check): fewer cases keep the suite's time in bounds. */
const EDIT_RUNS = 3_000;

const entry: fc.Arbitrary<ValuesEntry> = fc.oneof(
  fc
    .constantFrom(
      'pypi.org',
      '*.example.com',
      'a.b.c',
      'x',
      'with space.org',
      'quote".org',
      "it's.org",
      '-dash.org',
      '#hash',
    )
    .map((domain) => ({ key: 'allowDomains' as const, domain })),
  fc
    .record({
      domain: fc.constantFrom('pypi.org', '*.x.io'),
      port: fc.integer({ min: 1, max: 65535 }),
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
    })
    .map((e) => ({ key: 'allowDomainsPorts' as const, ...e })),
  fc.constantFrom('10.0.0.1/32', '0.0.0.0/0', '::1/128').map((cidr) => ({ key: 'allowCIDR' as const, cidr })),
  fc.constantFrom('world', 'cluster', 'kube-apiserver').map((entity) => ({ key: 'allowEntities' as const, entity })),
);

/** The list `key` of a parsed values text. */
function listOf(text: string, key: string): unknown[] {
  const doc = parseDocument(text, { logLevel: 'error' });
  assert.deepEqual(
    doc.errors.map((e) => e.message.split('\n')[0]),
    [],
    `the edited text is valid YAML:\n${text.slice(0, 500)}`,
  );
  const v = (doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown> | null)?.[key];
  assert.ok(Array.isArray(v), `${key} is a list after the edit`);
  return v;
}

const itemOf = (e: ValuesEntry): unknown => {
  switch (e.key) {
    case 'allowDomains':
      return e.domain;
    case 'allowCIDR':
      return e.cidr;
    case 'allowEntities':
      return e.entity;
    case 'allowDomainsPorts':
      return { domain: e.domain, port: e.port, protocol: e.protocol };
  }
};

/** A release Secret whose payload is `payload` (wire base64 around Helm's base64). */
const secret = (payload: Buffer | string) => ({
  type: 'helm.sh/release.v1',
  metadata: {
    name: 'sh.helm.release.v1.x.v1',
    namespace: 'default',
    labels: { owner: 'helm', name: 'x', status: 'deployed', version: '1' },
  },
  data: { release: Buffer.from(Buffer.from(payload).toString('base64')).toString('base64') },
});

describe('security: values parsers on hostile input (fast-check)', function () {
  this.timeout(180_000);

  it(`the values document model: ${RUNS.toLocaleString('en')} hostile texts parse or are refused (InputRejected), no pollution`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(hostile, ({ text }) => {
        bounded('ValuesDoc + toPlain', () => {
          let plain: unknown;
          try {
            plain = toPlain(new ValuesDoc(text));
          } catch (err) {
            assert.ok(err instanceof InputRejected, `only InputRejected may be thrown: ${String(err)}`);
            rejected++;
          }
          assert.doesNotThrow(() => timeoutValues(plain));
        });
        assertNoPollution();
      }),
      { numRuns: RUNS },
    );
    assert.ok(rejected > 0, 'the limits were reached by some cases');
  });

  it(`"Add to values" (inspector): ${EDIT_RUNS.toLocaleString('en')} hostile texts give valid YAML holding the item, or a short error; never a throw`, () => {
    let edited = 0;
    fc.assert(
      fc.property(hostile, entry, ({ text }, e) => {
        const added = bounded('addValuesEntry', () => addValuesEntry(text, e));
        if (added.ok && added.changed) {
          edited++;
          const want = JSON.stringify(itemOf(e));
          assert.ok(
            listOf(added.text, e.key).some(
              (x) =>
                JSON.stringify(x) === want ||
                (e.key === 'allowDomainsPorts' && (x as { domain?: unknown } | null)?.domain === e.domain),
            ),
            `${e.key} holds ${want}`,
          );
        } else if (added.ok) assert.equal(added.text, text, 'unchanged means unchanged');
        else assert.ok(added.error.length > 0 && added.error.length < 500, added.error);
      }),
      { numRuns: EDIT_RUNS },
    );
    assert.ok(edited > 0);
  });

  it(`risk level edit (inspector): ${EDIT_RUNS.toLocaleString('en')} hostile texts give valid YAML with the level, or a short error; never a throw`, () => {
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<'low' | 'medium' | 'high' | 'critical'>,
        ({ text }, level) => {
          const risk = bounded('setRiskLevel', () => setRiskLevel(text, level));
          if (risk.ok) {
            const doc = parseDocument(risk.text, { logLevel: 'error' });
            assert.deepEqual(
              doc.errors.map((x) => x.message.split('\n')[0]),
              [],
              `valid YAML after setRiskLevel:\n${risk.text.slice(0, 500)}`,
            );
            assert.equal(doc.getIn(['timeouts', 'riskLevel']), level);
          } else assert.ok(risk.error.length > 0 && risk.error.length < 500, risk.error);
        },
      ),
      { numRuns: EDIT_RUNS },
    );
  });

  it(`Helm release records from the cluster: ${RUNS.toLocaleString('en')} hostile payloads (plain and gzipped) are decoded or skipped`, () => {
    fc.assert(
      fc.property(hostile, ({ text }) => {
        for (const payload of [text, gzipSync(Buffer.from(text))]) {
          const r = bounded('decodeReleaseSecret', () => decodeReleaseSecret(secret(payload)));
          if (r)
            assert.ok(typeof r.name === 'string' && typeof r.namespace === 'string' && typeof r.values === 'object');
        }
        assertNoPollution();
      }),
      { numRuns: RUNS },
    );
  });

  it('known shapes: an empty `timeouts:` block, an indented top-level map, a document end marker, aliases in the lists', () => {
    const texts = [
      'timeouts:\n',
      'timeouts: null\n',
      '  services: {}\n',
      'a: 1\n...\n',
      'allowDomainsPorts:\n  - *undefined\n',
      'allowDomains: &l [a.org]\nallowCIDR: *l\n',
    ];
    const problems: string[] = [];
    for (const text of texts) {
      try {
        const r = setRiskLevel(text, 'high');
        if (r.ok && parseDocument(r.text, { logLevel: 'error' }).errors.length)
          problems.push(`setRiskLevel(${JSON.stringify(text)}) returned invalid YAML ${JSON.stringify(r.text)}`);
      } catch (e) {
        problems.push(`setRiskLevel(${JSON.stringify(text)}) threw ${String(e).split('\n')[0]}`);
      }
      for (const e of [
        { key: 'allowCIDR', cidr: '10.0.0.1/32' },
        { key: 'allowDomainsPorts', domain: 'pypi.org', port: 443, protocol: 'TCP' },
      ] as ValuesEntry[]) {
        try {
          const r = addValuesEntry(text, e);
          if (r.ok && parseDocument(r.text, { logLevel: 'error' }).errors.length)
            problems.push(
              `addValuesEntry(${JSON.stringify(text)}, ${e.key}) returned invalid YAML ${JSON.stringify(r.text)}`,
            );
        } catch (err) {
          problems.push(`addValuesEntry(${JSON.stringify(text)}, ${e.key}) threw ${String(err).split('\n')[0]}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('a release record that is a gzip bomb is not inflated beyond a bound', () => {
    // 256 MiB of zeros gzip to ~250 KiB, under the API server's 1 MiB Secret limit: anyone who may create a
    // Secret labelled owner=helm in a watched namespace can hand this to every open Sandboxes view.
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024));
    const real = zlib.gunzipSync;
    let largest = 0;
    (zlib as { gunzipSync: typeof real }).gunzipSync = ((buf: zlib.InputType, opts?: zlib.ZlibOptions) => {
      const out = real(buf, opts);
      largest = Math.max(largest, out.length);
      return out;
    }) as typeof real;
    try {
      const r = bounded('decoding the bomb', () => decodeReleaseSecret(secret(bomb)));
      assert.ok(r === undefined || typeof r.name === 'string');
    } finally {
      (zlib as { gunzipSync: typeof real }).gunzipSync = real;
    }
    assert.ok(
      largest <= 64 * 1024 * 1024,
      `inflated ${Math.round(largest / 1024 / 1024)} MiB from a ${Math.round(bomb.length / 1024)} KiB record`,
    );
  });
});
