// Engine behaviour: YAML errors, odd inputs, limits, positions, rule isolation, the chart schema and defaults.
import { strict as assert } from 'node:assert';
import { applyEdits, lintValues, toZeroBased } from '../../../src/core/lint/api';
import { chartDefaults, coalesce } from '../../../src/core/lint/defaults';
import { defineRule } from '../../../src/core/lint/rule';
import { schemaAt } from '../../../src/core/lint/schema';
import { errors, lint, ofRule, show } from './helpers';

describe('lint engine', () => {
  describe('YAML', () => {
    it('reports a syntax error at its position', () => {
      const ds = lint('services:\n  default:\n    image: [nginx\n  other: 1\n');
      const e = ofRule(ds, 'yaml/syntax');
      assert.ok(e.length > 0, show(ds));
      assert.equal(e[0].severity, 'error');
      assert.ok(e[0].line >= 3, show(e));
    });

    it('reports duplicate keys', () => {
      const ds = lint('services:\n  default:\n    image: a:1\n    image: b:1\n');
      assert.equal(ofRule(ds, 'yaml/syntax')[0]?.line, 4, show(ds));
    });

    it('reports a second document', () => {
      assert.ok(ofRule(lint('services: {}\n---\nfoo: 1\n'), 'yaml/syntax').length > 0);
    });

    it('accepts an empty file and a comment-only file (the chart defaults apply)', () => {
      assert.deepEqual(lint(''), []);
      assert.deepEqual(lint('# nothing here\n'), []);
    });

    it('rejects a top level that is not a map', () => {
      assert.equal(ofRule(lint('- a\n- b\n'), 'values/not-a-map').length, 1);
      assert.equal(ofRule(lint('just text\n'), 'values/not-a-map').length, 1);
    });

    it('reads YAML 1.1 like Helm (yes is a boolean) and follows anchors and merge keys', () => {
      assert.deepEqual(errors(lint('services:\n  default:\n    image: "a:1"\n    dnsRecord: yes\n')), []);
      const text = 'x-res: &res\n  limits: {cpu: 1, memory: 1Gi}\n';
      const ds = lint(`${text}services:\n  default:\n    image: "a:1"\n    resources: *res\n`);
      assert.deepEqual(ofRule(ds, 'sandbox/qos-not-guaranteed'), []);
      assert.equal(ofRule(ds, 'schema/unknown-key')[0]?.line, 1, show(ds));
      const merged = lint('base: &b\n  image: "a:1"\nservices:\n  default:\n    <<: *b\n    dnsRecord: true\n');
      assert.deepEqual(ofRule(merged, 'schema/required'), [], show(merged));
    });
  });

  describe('limits and robustness', () => {
    it('refuses deeply nested brackets without parsing them', () => {
      const ds = lint('a: ' + '['.repeat(5000));
      assert.equal(ds.length, 1);
      assert.equal(ds[0].rule, 'yaml/input-limit');
    });

    it('is not fooled by a stray quote in a plain scalar before deep brackets', () => {
      const ds = lint('a: 5"\nb: ' + '['.repeat(5000));
      assert.deepEqual(
        ds.map((d) => d.rule),
        ['yaml/input-limit'],
      );
    });

    it('refuses a file over the size limit', () => {
      const ds = lint('a: "' + 'x'.repeat(3 * 1024 * 1024) + '"\n');
      assert.deepEqual(
        ds.map((d) => d.rule),
        ['yaml/input-limit'],
      );
      assert.match(ds[0].message, /too large/);
    });

    it('refuses collection keys instead of stringifying them', () => {
      const ds = lint('? [a, b]\n: 1\n');
      assert.ok(
        ds.some((d) => d.rule === 'yaml/input-limit' || d.rule === 'yaml/syntax'),
        show(ds),
      );
    });

    it('refuses an alias bomb', () => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++)
        lines.push(
          `a${i}: &a${i} [${Array(10)
            .fill(`*a${i - 1}`)
            .join(', ')}]`,
        );
      const ds = lint(lines.join('\n') + '\n');
      assert.ok(
        ds.some((d) => d.rule === 'yaml/input-limit' && /aliases/.test(d.message)),
        show(ds),
      );
    });

    it('keeps going when a rule throws, and says so', () => {
      const boom = defineRule({ id: 'test/boom', severity: 'error', title: 't', why: 'w' }, () => {
        throw new Error('kaboom');
      });
      const ok = defineRule({ id: 'test/ok', severity: 'info', title: 't', why: 'w' }, (ctx) =>
        ctx.report({ range: [0, 8], message: 'still here' }),
      );
      const ds = lintValues('services:\n  default:\n    image: "a:1"\n', { rules: [boom, ok] });
      assert.deepEqual(
        ds.map((d) => [d.rule, d.message]),
        [
          ['lint/internal', 'rule test/boom failed: kaboom'],
          ['test/ok', 'still here'],
        ],
      );
    });

    it('never throws on non-string input', () => {
      assert.doesNotThrow(() => lintValues(undefined as unknown as string));
      assert.doesNotThrow(() => lintValues(42 as unknown as string));
    });
  });

  describe('positions', () => {
    it('gives 1-based lines and columns with an exclusive end, and 0-based ranges for VS Code', () => {
      const ds = ofRule(lint('services:\n  Bad_Name:\n    image: "a:1"\n'), 'sandbox/service-name');
      assert.deepEqual([ds[0].line, ds[0].column, ds[0].endLine, ds[0].endColumn], [2, 3, 2, 11]);
      assert.deepEqual(toZeroBased(ds[0]), { start: { line: 1, character: 2 }, end: { line: 1, character: 10 } });
    });

    it('counts columns in UTF-16 code units like VS Code (after an emoji)', () => {
      const ds = ofRule(lint('# 🙂\nservices:\n  default: {image: "a:1", x: 1}\n'), 'schema/unknown-key');
      assert.deepEqual([ds[0].line, ds[0].column], [3, 27], show(ds));
    });
  });

  describe('edits', () => {
    it('applies edits from the end and refuses overlapping ones', () => {
      assert.equal(
        applyEdits('abcdef', [
          { start: 0, end: 1, newText: 'X' },
          { start: 4, end: 6, newText: 'YZ!' },
        ]),
        'XbcdYZ!',
      );
      assert.throws(() =>
        applyEdits('abcdef', [
          { start: 0, end: 3, newText: '' },
          { start: 2, end: 4, newText: '' },
        ]),
      );
    });
  });

  describe('chart schema and defaults', () => {
    it('loads the chart values.yaml as the defaults Helm merges under the file', () => {
      const d = chartDefaults();
      const image = ((d.services as Record<string, Record<string, unknown>>).default ?? {}).image;
      assert.equal(typeof image, 'string');
    });

    it('coalesces like Helm: maps merge, lists replace, a null deletes a chart key and stays elsewhere', () => {
      const merged = coalesce(
        { a: { x: 1, y: 2 }, l: [1, 2], gone: 1 },
        { a: { y: 3 }, l: [9], gone: null, mine: null },
      );
      assert.deepEqual(merged, { a: { x: 1, y: 3 }, l: [9], mine: null });
    });

    it('a service other than default still needs an image (the default one gets the chart image)', () => {
      const ds = lint('services:\n  default:\n    dnsRecord: true\n  web:\n    dnsRecord: true\n');
      const req = ofRule(ds, 'schema/required');
      assert.equal(req.length, 1, show(ds));
      assert.equal(req[0].line, 4);
      assert.match(req[0].message, /services\.web needs "image"/);
    });

    it('explains type and enum errors in words', () => {
      const ds = lint(
        'services:\n  default:\n    image: "a:1"\n    dnsRecord: "sure"\n    imagePullPolicy: Sometimes\n',
      );
      const t = ofRule(ds, 'schema/type')[0];
      assert.equal(t?.line, 4, show(ds));
      assert.match(t.message, /services\.default\.dnsRecord must be true or false, not text/);
      const e = ofRule(ds, 'schema/enum')[0];
      assert.equal(e?.line, 5, show(ds));
      assert.match(e.message, /must be one of "Always", "IfNotPresent", "Never"/);
    });

    it('offers a rename for a misspelt key, unless that key is already there', () => {
      const ds = ofRule(lint('services:\n  default:\n    imagee: "a:1"\n'), 'schema/unknown-key');
      assert.equal(ds[0].line, 3);
      assert.ok(ds[0].fix);
      assert.deepEqual(lint(applyEdits('services:\n  default:\n    imagee: "a:1"\n', ds[0].fix.edits)), []);
      const both = ofRule(lint('services:\n  default:\n    image: "a:1"\n    imagee: "b:1"\n'), 'schema/unknown-key');
      assert.equal(both[0].fix, undefined);
    });

    it('does not repeat a schema error that a rule explains better', () => {
      const ds = lint('services:\n  Bad_Name:\n    image: "a:1"\n');
      assert.equal(ds.filter((d) => d.line === 2).length, 1, show(ds));
    });

    it('points at the value for a pattern error inside a list', () => {
      const ds = lint(
        'services:\n  default:\n    image: "a:1"\n    env:\n      - name: A\n        value: x\n      - value: y\n',
      );
      const req = ofRule(ds, 'schema/required')[0];
      assert.equal(req?.line, 7, show(ds));
    });

    it('finds the schema description of a value path (for hovers)', () => {
      assert.deepEqual(schemaAt(['services', 'web', 'runtimeClassName'])?.type, ['string', 'null']);
      assert.deepEqual(schemaAt(['allowDomainsPorts', 0, 'protocol'])?.examples, ['TCP', 'UDP', 'ANY']);
      assert.equal(schemaAt(['nope', 'deeper']), undefined);
    });
  });
});
