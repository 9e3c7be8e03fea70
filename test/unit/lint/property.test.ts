// Property-based: the linter never throws, never crashes a rule, and answers each input within a bound,
// for 10,000+ generated documents (values-like trees, mutated fixtures, arbitrary text and bytes, huge and deep).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyEdits, lintValues, type LintDiagnostic } from '../../../src/core/lint/api';
import { fixturesDir } from './helpers';

const perCaseMs = 1000;

function check(text: string): LintDiagnostic[] {
  const t = performance.now();
  let ds: LintDiagnostic[] = [];
  assert.doesNotThrow(() => {
    ds = lintValues(text);
  });
  const ms = performance.now() - t;
  assert.ok(
    ms < perCaseMs,
    `took ${ms.toFixed(0)} ms on ${text.length} characters: ${JSON.stringify(text.slice(0, 200))}`,
  );
  assert.ok(Array.isArray(ds));
  for (const d of ds) {
    assert.notEqual(d.rule, 'lint/internal', `${d.message}\non: ${JSON.stringify(text.slice(0, 500))}`);
    assert.ok(
      d.line >= 1 && d.column >= 1 && (d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column)),
      JSON.stringify(d),
    );
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    assert.equal(typeof d.message, 'string');
  }
  return ds;
}

/** Lints, then applies each offered fix and lints the result too. */
function checkWithFixes(text: string): void {
  for (const d of check(text)) {
    if (!d.fix) continue;
    let fixed = '';
    assert.doesNotThrow(() => {
      fixed = applyEdits(text, d.fix!.edits);
    }, `fix ${d.fix.title}`);
    check(fixed);
  }
}

const keys = [
  'services',
  'default',
  'web',
  'Bad_Name',
  'coredns',
  'image',
  'command',
  'args',
  'resources',
  'limits',
  'requests',
  'cpu',
  'memory',
  'claims',
  'initContainers',
  'name',
  'runtimeClassName',
  'securityContext',
  'privileged',
  'capabilities',
  'add',
  'seLinuxOptions',
  'hostNetwork',
  'ports',
  'port',
  'targetPort',
  'protocol',
  'domain',
  'allowDomains',
  'allowDomainsPorts',
  'allowCIDR',
  'allowEntities',
  'networks',
  'volumes',
  'volumeMounts',
  'mountPath',
  'emptyDir',
  'hostPath',
  'medium',
  'additionalDnsRecords',
  'dnsRecord',
  'timeouts',
  'riskLevel',
  'appTimeoutSeconds',
  'deadlineSeconds',
  'terminationGracePeriodSeconds',
  'readinessProbe',
  'tcpSocket',
  'spec',
  'global',
  '<<',
];
const scalars = fc.oneof(
  fc.constantFrom(
    'nginx',
    'nginx:1.27',
    'kata-qemu',
    'gvisor',
    'runc',
    'CLUSTER_DEFAULT',
    '1Gi',
    '500m',
    'TCP',
    'UDP',
    'ANY',
    'world',
    'all',
    '*',
    'pypi.org',
    'https://x.org/',
    '1.1.1.1/33',
    '0.0.0.0/0',
    'data:/mnt',
    'data:mnt',
    'NET_RAW',
    'high',
    'critical',
    'Memory',
    '/dev/shm',
    'a\nb',
    '',
    'resolv-conf',
  ),
  fc.integer({ min: -5, max: 70000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalars, tie('list'), tie('map')),
  list: fc.array(tie('tree'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...keys), tie('tree'), { maxKeys: 5 }),
}));
const valuesLike = fc
  .record(
    { services: fc.dictionary(fc.constantFrom('default', 'web', 'Bad_Name', 'coredns'), tree, { maxKeys: 3 }) },
    { requiredKeys: [] },
  )
  .chain((base) =>
    fc.dictionary(fc.constantFrom(...keys), tree, { maxKeys: 4 }).map((extra) => ({ ...extra, ...base })),
  );
const yamlStyle = fc.record({ flow: fc.boolean(), indent: fc.integer({ min: 1, max: 4 }) });

const fixtureTexts = [
  ...readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(join(fixturesDir, f), 'utf8')),
  ...readdirSync(join(fixturesDir, 'invalid')).map((f) => readFileSync(join(fixturesDir, 'invalid', f), 'utf8')),
];
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.constantFrom(
        '\n',
        ' ',
        '  ',
        '- ',
        ': ',
        '{',
        '[',
        '&a ',
        '*a',
        '!!binary ',
        '"',
        "'",
        '#',
        '\t',
        '\0',
        '\uFEFF',
        '<<: ',
      ),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
);
function mutate(text: string, ops: { kind: string; at: number; text?: string; len?: number }[]): string {
  let t = text;
  for (const op of ops) {
    const at = t.length ? op.at % (t.length + 1) : 0;
    if (op.kind === 'insert') t = t.slice(0, at) + op.text + t.slice(at);
    else if (op.kind === 'delete') t = t.slice(0, at) + t.slice(at + (op.len ?? 1));
    else {
      const ls = t.lastIndexOf('\n', at - 1) + 1;
      const le = t.indexOf('\n', at);
      const line = t.slice(ls, le < 0 ? t.length : le + 1);
      t = t.slice(0, ls) + line + (line.endsWith('\n') ? '' : '\n') + t.slice(ls);
    }
  }
  return t;
}

describe('lint: property-based (fast-check)', function () {
  this.timeout(300_000);
  // The first call compiles the schema; the per-case bound is about linting, not that one-time cost.
  before(() => lintValues('services: {}\n'));

  it('values-like trees in block and flow style (4,000 documents, fixes applied)', () => {
    fc.assert(
      fc.property(valuesLike, yamlStyle, (v, style) => {
        const text = stringify(v, { indent: style.indent, collectionStyle: style.flow ? 'flow' : 'any', lineWidth: 0 });
        checkWithFixes(text);
      }),
      { numRuns: 4000 },
    );
  });

  it('mutated fixtures (3,000 documents, fixes applied)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtureTexts), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, ops) => {
        checkWithFixes(mutate(text, ops));
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary Unicode text, lone surrogates included (2,000 documents)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 })),
        (s) => {
          check(s);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('binary bytes, read as Latin-1 and as UTF-8 (1,000 documents)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, utf8) => {
        check(Buffer.from(bytes).toString(utf8 ? 'utf8' : 'latin1'));
      }),
      { numRuns: 1000 },
    );
  });

  it('huge and deeply nested documents (bounded per case)', () => {
    // Generated as (kind, size) so a failure prints a short counterexample, not the document.
    const build: Record<string, (n: number) => string> = {
      block: (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' x\n',
      seqs: (n) => 'a:\n' + Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2 + 2)}-`).join('\n') + ' x\n',
      brackets: (n) => 'a: ' + '['.repeat(n * 50) + ']'.repeat(n * 50),
      unclosed: (n) => '{'.repeat(n * 50),
      flowMaps: (n) => 'a: ' + '{b: '.repeat(n) + '1' + '}'.repeat(n),
      services: (n) =>
        'services:\n' +
        Array.from(
          { length: n },
          (_, i) => `  s${i}:\n    image: "nginx:1.27.0"\n    resources: {limits: {cpu: 1, memory: 1Gi}}\n`,
        ).join(''),
      longScalar: (n) => `services:\n  default:\n    image: "${'x'.repeat(n * 250)}"\n`,
      bytes: (n) => Buffer.from(Array.from({ length: n * 250 }, (_, i) => (i * 7919 + n) % 256)).toString('latin1'),
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(build)), fc.integer({ min: 50, max: 400 }), (kind, n) => {
        check(build[kind](n));
      }),
      { numRuns: 40 },
    );
  });
});
