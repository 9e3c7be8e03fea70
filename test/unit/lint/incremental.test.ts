// The incremental linter: same results as lintValues, the incremental path where the file allows it, and the full
// path (with the reason) where it does not.
import { strict as assert } from 'node:assert';
import { lintValues } from '../../../src/core/lint/api';
import { IncrementalLinter } from '../../../src/core/lint/incremental';
import { generateValues } from '../../../bench/suites/lint';
import { richValues } from './incrementalDocs';

/** Lints with a fresh linter (as on open) and checks the result against lintValues. */
function lintBoth(text: string, linter = new IncrementalLinter({}, { minServices: 1 })): IncrementalLinter {
  assert.deepStrictEqual(linter.lint(text), lintValues(text));
  return linter;
}

/** Runs the warm-up to its end in steps of one; returns how many. */
function warmAll(linter: IncrementalLinter): number {
  let steps = 0;
  while (linter.warming) {
    linter.warm(0);
    steps++;
  }
  return steps;
}

/** As the editor opens a file: the first lint (whole), then the warm-up run to its end. */
function open(text: string, linter = new IncrementalLinter({}, { minServices: 1 })): IncrementalLinter {
  lintBoth(text, linter);
  warmAll(linter);
  return linter;
}

const forty = generateValues(40);

describe('lint: incremental linter', () => {
  it('lints a many-service file incrementally and re-parses only the edited service', () => {
    const linter = open(forty, new IncrementalLinter());
    // A character typed into one service's image tag: every later offset shifts by one.
    const edited = forty.replace(
      '  svc-0007:\n    image: "python:3.12-bookworm"',
      '  svc-0007:\n    image: "python:3.12-bookwormx"',
    );
    assert.notEqual(edited, forty);
    lintBoth(edited, linter);
    assert.equal(linter.lastPath, 'incremental');
    assert.equal(linter.lastParsed, 1);
    // Back to the original: its parse was dropped with the old version, so it is parsed again (one service).
    lintBoth(forty, linter);
    assert.equal(linter.lastParsed, 1);
  });

  it('moves reused findings with their service (lines and quick-fix edits after an edit above them)', () => {
    const text = richValues(6, 1);
    const linter = open(text);
    const before = linter.lint(text);
    assert.ok(
      before.some((d) => d.fix),
      'the document has quick fixes',
    );
    const shifted = text.replace(
      'services:\n',
      'services:\n  added:\n    image: "a:1"\n    resources: {limits: {cpu: 1, memory: 1Gi}}\n',
    );
    const after = lintBoth(shifted, linter);
    assert.equal(after.lastPath, 'incremental');
    assert.equal(after.lastParsed, 1);
  });

  it('re-runs the per-service rules when the head changes (the risk level changes grace-period findings)', () => {
    const text = `timeouts:\n  riskLevel: low\nservices:\n  default:\n    image: "a:1"\n    terminationGracePeriodSeconds: 30\n  web:\n    image: "a:1"\n    terminationGracePeriodSeconds: 2\n`;
    const linter = open(text);
    const grace = (t: string): string[] =>
      linter
        .lint(t)
        .filter((d) => d.rule === 'sandbox/grace-period')
        .map((d) => d.message);
    const low = grace(text);
    const critical = text.replace('riskLevel: low', 'riskLevel: critical');
    lintBoth(critical, linter);
    assert.equal(linter.lastPath, 'incremental');
    assert.equal(linter.lastParsed, 0);
    assert.notDeepEqual(grace(critical), low);
  });

  it('keeps per-service findings across head edits that do not touch what the rule reads', () => {
    const text = `allowDomains: ["pypi.org"]\n${richValues(20, 0)}`;
    const linter = open(text, new IncrementalLinter());
    lintBoth(text.replace('"pypi.org"', '"pypi.org", "files.pythonhosted.org"'), linter);
    assert.equal(linter.lastPath, 'incremental');
    assert.equal(linter.lastParsed, 0);
    // Only findings that point outside their service (fixes into the head or the file end) are made again.
    assert.ok(linter.lastRuleRuns < 20, String(linter.lastRuleRuns));
  });

  it('keeps Windows line ends on the incremental path', () => {
    const text = richValues(5, 2).replace(/\n/g, '\r\n');
    const linter = open(text);
    lintBoth(text, linter);
    assert.equal(linter.lastPath, 'incremental');
  });

  const fallbacks: [string, string, RegExp][] = [
    ['no block services: line', 'services: {default: {image: "a:1"}}\n', /no block "services:"/],
    ['services as a list', 'services:\n  - default\n', /not one key/],
    [
      'an anchor and an alias',
      'services:\n  default:\n    image: &img "a:1"\n  web:\n    image: *img\n',
      /anchor|alias/,
    ],
    ['a merge key', 'services:\n  default:\n    <<: {image: "a:1"}\n', /merge key/],
    ['a second document', 'services:\n  default:\n    image: "a:1"\n---\nservices: {}\n', /outside the services/],
    ['a YAML error in a service', 'services:\n  default:\n    image: "a:1\n  web:\n    image: b\n', /error|quotes/],
    ['a repeated service', 'services:\n  web:\n    image: "a:1"\n  web:\n    image: "b:1"\n', /repeated service name/],
    ['a repeated key in the head', 'global: {}\nservices:\n  web:\n    image: "a:1"\nglobal: {}\n', /repeated key/],
    ['a %YAML directive', '%YAML 1.1\n---\nservices:\n  web:\n    on: yes\n', /directive/],
    ['tab indentation', 'services:\n  web:\n\timage: "a:1"\n', /tab/],
    ['a blank line of a tab', 'services:\n  extra:\n\t\n  default:\n    image: "a:1"\n', /tab/],
    ['a lone carriage return', 'services:\n  web:\r    image: "a:1"\n', /carriage return/],
    ['a tag on services', 'services: !!map\n  web:\n    image: "a:1"\n', /no block "services:"/],
    ['an empty key', 'services:\n  web:\n    : x\n', /empty key/],
    ['a line that dedents into the block', 'services:\n    web:\n      image: "a:1"\n  odd: 1\n', /indented less/],
    ['plain text among the services', 'services:\n  web:\n    image: "a:1"\n  just text\n', /not one key|error/],
    ['nothing under services', 'services:\nglobal: {}\n', /no service entries/],
    [
      'an empty service with a less indented comment after it',
      'services:\n    "unsafe\\nname":\n  # comment\n    extra:\n      image: nginx\n',
      /reaches past its entry/,
    ],
    ['input beyond the limits', `services:\n  web:\n    image: ${'['.repeat(150)}${']'.repeat(150)}\n`, /brackets/],
  ];
  for (const [what, text, reason] of fallbacks) {
    it(`falls back to the full lint on ${what}, with the same results`, () => {
      const linter = lintBoth(text);
      assert.match(linter.lastPath, reason);
      assert.doesNotMatch(linter.lastPath, /^internal/);
    });
  }

  it('lints small files whole by default (fewer than 16 services)', () => {
    const linter = lintBoth(generateValues(5), new IncrementalLinter());
    assert.match(linter.lastPath, /fewer than 16 services/);
  });

  it('never throws and answers like lintValues on odd input', () => {
    for (const text of [
      '',
      '\n',
      'services:',
      'services:\n  ',
      '\uFEFFservices:\n  a:\n    image: x\n',
      'a\0b',
      '{{{',
      'services:\n  a: 1\n  b: 2\n',
    ])
      lintBoth(text);
  });
});
