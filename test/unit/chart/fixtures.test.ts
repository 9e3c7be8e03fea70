// The shared agent-env values files through the real helm 3.18 and 4.1: valid ones lint and render, invalid
// ones are refused with a message that names the problem.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { helmVersions } from '../../support/tools';
import {
  chartDir,
  cleanupHelmHome,
  fixturesDir,
  helm,
  invalidDir,
  invalidFixtures,
  lintArgs,
  parseManifests,
  templateArgs,
  validFixtures,
} from './support';

// What each invalid file must be refused for (helm 3 and helm 4 word schema errors differently).
const expectedProblem: Record<string, RegExp> = {
  'allow-domains-ports-bad-domain-values.yaml': /allowDomainsPorts\[0\]: domain \\?"github\.com\\?" is not listed in allowDomains/,
  'allow-domains-ports-invalid-values.yaml': /allowDomainsPorts\[0\]: port 443 with protocol ANY is not allowed/,
  'invalid-dns-record-values.yaml': /services[./]default[./]additionalDnsRecords[./]0.*(does not match pattern|Does not match pattern)/i,
  'invalid-service-name-values.yaml': /(Property name of "unsafe\nname" does not match|invalid propertyName 'unsafe\\nname')/,
};

describe('chart: agent-env fixtures with the real helm', function () {
  this.timeout(60_000);

  const valid = validFixtures.map((f) => join(fixturesDir, f));
  const invalid = invalidFixtures.map((f) => join(invalidDir, f));

  before(async () => {
    // Start every helm run at once; the tests below read the memoised results.
    await Promise.all(
      helmVersions.flatMap((v) => [
        ...valid.flatMap((f) => [helm(v, ['lint', chartDir, '-f', f]), helm(v, lintArgs([f])), helm(v, templateArgs('r1', [f]))]),
        ...invalid.flatMap((f) => [helm(v, lintArgs([f])), helm(v, templateArgs('r1', [f]))]),
      ]),
    );
  });
  after(cleanupHelmHome);

  it('finds the fixtures beside the checkout', () => {
    assert.ok(validFixtures.length >= 6, `valid fixtures: ${validFixtures.join(', ')}`);
    assert.deepEqual(invalidFixtures, Object.keys(expectedProblem).sort());
    assert.ok(!validFixtures.some((f) => f.includes('compose-source')));
  });

  for (const v of helmVersions) {
    describe(`helm ${v}`, () => {
      for (const f of validFixtures) {
        const file = join(fixturesDir, f);
        it(`lints ${f} (plain and --strict)`, async () => {
          const plain = await helm(v, ['lint', chartDir, '-f', file]);
          assert.equal(plain.code, 0, plain.stdout + plain.stderr);
          const strict = await helm(v, lintArgs([file]));
          assert.equal(strict.code, 0, strict.stdout + strict.stderr);
          assert.match(strict.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
          assert.doesNotMatch(strict.stdout, /\[(WARNING|ERROR)\]/);
        });
        it(`renders ${f}`, async () => {
          const r = await helm(v, templateArgs('r1', [file]));
          assert.equal(r.code, 0, r.stderr);
          const kinds = parseManifests(r.stdout).map((o) => o.kind);
          assert.ok(kinds.includes('StatefulSet') && kinds.includes('CiliumNetworkPolicy') && kinds.includes('ConfigMap'));
        });
      }
      for (const f of invalidFixtures) {
        const file = join(invalidDir, f);
        it(`refuses ${f} in template and lint --strict, naming the problem`, async () => {
          const t = await helm(v, templateArgs('r1', [file]));
          assert.notEqual(t.code, 0, `helm template accepted ${f}`);
          assert.equal(t.stdout.trim(), '', 'nothing is rendered');
          assert.match(t.stderr, expectedProblem[f]);
          const l = await helm(v, lintArgs([file]));
          assert.notEqual(l.code, 0, `helm lint --strict accepted ${f}`);
          assert.match(l.stdout + l.stderr, expectedProblem[f]);
        });
      }
    });
  }
});
