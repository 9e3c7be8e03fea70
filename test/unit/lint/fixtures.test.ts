// The shared agent-env values files: valid ones lint without errors, invalid ones fail at the right line.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, lintValues } from '../../../src/core/lint/api';
import { errors, fixturesDir, ofRule, show } from './helpers';

const read = (f: string): string => readFileSync(join(fixturesDir, f), 'utf8');

const valid = readdirSync(fixturesDir).filter((f) => f.endsWith('-values.yaml'));
const invalid = readdirSync(join(fixturesDir, 'invalid')).map((f) => `invalid/${f}`);

/** Where each invalid file is wrong, and the rule that says so. */
const expected: Record<string, { line: number; rule: string; words: RegExp }> = {
  'invalid/invalid-service-name-values.yaml': {
    line: 2,
    rule: 'sandbox/service-name',
    words: /service name "unsafe\\nname"/,
  },
  'invalid/invalid-dns-record-values.yaml': { line: 5, rule: 'sandbox/dns-record', words: /Corefile/ },
  'invalid/allow-domains-ports-invalid-values.yaml': {
    line: 8,
    rule: 'sandbox/allow-domains-ports-web',
    words: /port 443.*SNI\/Host/,
  },
  'invalid/allow-domains-ports-bad-domain-values.yaml': {
    line: 9,
    rule: 'sandbox/allow-domains-ports-domain',
    words: /"github\.com" is not listed in allowDomains/,
  },
};

describe('lint: shared agent-env fixtures', () => {
  it('finds the fixtures', () => {
    assert.ok(valid.length >= 6, valid.join());
    assert.deepEqual(invalid.sort(), Object.keys(expected).sort());
  });

  for (const f of valid) {
    it(`${f}: no errors`, () => {
      const ds = lintValues(read(f), { file: f });
      assert.deepEqual(errors(ds), [], show(ds));
      assert.ok(ds.every((d) => d.file === f));
    });
  }

  it('04: warns exactly about the three services that are not Guaranteed', () => {
    const ds = ofRule(lintValues(read('04-compose-converted-helm-values.yaml')), 'sandbox/qos-not-guaranteed');
    assert.deepEqual(
      ds.map((d) => [d.line, /service "([^"]+)"/.exec(d.message)?.[1]]),
      [
        [12, 'default'],
        [31, 'victim'],
        [44, 'ghidra'],
      ],
    );
    assert.ok(ds.every((d) => d.severity === 'warning'));
  });

  it('04: the QoS fixes make every service Guaranteed', () => {
    let text = read('04-compose-converted-helm-values.yaml');
    for (let i = 0; i < 3; i++) {
      const d = ofRule(lintValues(text), 'sandbox/qos-not-guaranteed')[0];
      assert.ok(d?.fix);
      text = applyEdits(text, d.fix.edits);
    }
    const ds = lintValues(text);
    assert.deepEqual(ofRule(ds, 'sandbox/qos-not-guaranteed'), [], text);
    assert.deepEqual(errors(ds), [], show(ds));
  });

  it('01-03, 05, 07: no warnings either (Guaranteed, pinned images, nothing risky)', () => {
    for (const f of valid.filter((v) => !v.startsWith('04'))) {
      const ds = lintValues(read(f)).filter((d) => d.severity !== 'info');
      assert.deepEqual(ds, [], `${f}:\n${show(ds)}`);
    }
  });

  for (const f of invalid) {
    it(`${f}: an error at line ${expected[f].line}`, () => {
      const ds = errors(lintValues(read(f)));
      const hit = ds.find((d) => d.rule === expected[f].rule);
      assert.ok(hit, show(ds));
      assert.equal(hit.line, expected[f].line);
      assert.match(hit.message, expected[f].words);
    });
  }

  it('the compose source is not a values file: unknown keys are errors with a suggestion', () => {
    const ds = lintValues(read('04-compose-source-compose.yaml'));
    const wd = ds.find((d) => d.rule === 'schema/unknown-key' && d.line === 4);
    assert.ok(wd, show(ds));
    assert.match(wd.message, /"working_dir".*did you mean "workingDir"/);
    assert.equal(wd.fix?.title, 'Rename to "workingDir"');
  });
});
