// The lint CLI as shipped: bundled by esbuild like scripts/build.mjs does, run with node, judged by its output
// and exit codes. SARIF is validated against the OASIS SARIF 2.1.0 schema.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { build } from 'esbuild';
import aliases from '../../../scripts/shims/aliases.json';
import { helmBinary } from '../../support/tools';
import { fixturesDir } from './helpers';

const repo = resolve(__dirname, '..', '..', '..');
const valid = join(fixturesDir, '05-allow-domains-ports-scoped-values.yaml');
const burstable = join(fixturesDir, '04-compose-converted-helm-values.yaml');
const invalidDir = join(fixturesDir, 'invalid');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('lint CLI (bundled, spawned)', function () {
  this.timeout(60_000);
  let dir = '';
  let cli = '';
  const run = (args: string[], input?: string): Run => {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    // Same layout as the package: dist/lint-cli.js with chart/ beside dist/.
    dir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-lint-'));
    mkdirSync(join(dir, 'dist'));
    symlinkSync(join(repo, 'chart'), join(dir, 'chart'));
    cli = join(dir, 'dist', 'lint-cli.js');
    await build({
      entryPoints: [join(repo, 'src/cli/lint.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      alias: aliases,
      absWorkingDir: repo,
      logLevel: 'silent',
    });
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is an executable script (shebang) with the schema bundled in', () => {
    const text = readFileSync(cli, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'));
    const schema = JSON.parse(readFileSync(join(repo, 'chart', 'values.schema.json'), 'utf8')) as {
      properties: { timeouts: { description: string } };
    };
    assert.ok(
      text.includes(JSON.stringify(schema.properties.timeouts.description).slice(1, -1)),
      'the chart schema is bundled',
    );
  });

  it('exits 0 on a clean file and prints "no problems"', () => {
    const r = run([valid]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'no problems\n');
  });

  it('exits 0 on warnings only (fixture 04), listing them as file:line:col', () => {
    const r = run([burstable]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /04-compose-converted-helm-values\.yaml:31:5: warning service "victim" is not Guaranteed QoS .* \[sandbox\/qos-not-guaranteed\]/,
    );
    assert.match(r.stdout, /0 errors, 3 warnings/);
  });

  it('exits 1 on errors, for every invalid fixture', () => {
    for (const f of [
      'invalid-service-name-values.yaml',
      'invalid-dns-record-values.yaml',
      'allow-domains-ports-invalid-values.yaml',
      'allow-domains-ports-bad-domain-values.yaml',
    ]) {
      const r = run([join(invalidDir, f)]);
      assert.equal(r.code, 1, `${f}: ${r.stdout}`);
      assert.match(r.stdout, /: error /);
    }
  });

  it('exits 2 on usage errors and unreadable files (still reporting the readable ones)', () => {
    assert.equal(run([]).code, 2);
    assert.match(run([]).stderr, /no files given/);
    const bad = run([valid, '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown format "xml"/);
    assert.equal(run(['--frobnicate', valid]).code, 2);
    const missing = run([join(dir, 'nope.yaml'), join(invalidDir, 'invalid-dns-record-values.yaml'), '--format=json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
    assert.ok(JSON.parse(missing.stdout).length > 0);
    assert.equal(run([dir]).code, 2, 'a directory is unreadable as a file');
  });

  it('prints help with exit 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: k8s-sandbox-lint FILE/);
  });

  it('json: 1-based rows with exactly the documented fields', () => {
    const f = join(invalidDir, 'allow-domains-ports-bad-domain-values.yaml');
    const r = run(['--format', 'json', f]);
    assert.equal(r.code, 1);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        file: f,
        line: 9,
        column: 13,
        endLine: 9,
        endColumn: 23,
        severity: 'error',
        rule: 'sandbox/allow-domains-ports-domain',
        message: 'domain "github.com" is not listed in allowDomains, so the sandbox cannot resolve it',
      },
    ]);
  });

  it("--helm: adds the chart's own verdict from the real helm, on lines the engine did not flag", () => {
    const f = join(dir, 'dns-twice.yaml');
    // Two services claiming one DNS name: the engine flags line 7; helm names the service (line 5).
    writeFileSync(
      f,
      'services:\n  default:\n    image: "a:1"\n    dnsRecord: true\n  web:\n    image: "a:1"\n    additionalDnsRecords: [default]\n',
    );
    const r = run(['--format=json', '--helm', helmBinary('3.18.0'), f]);
    assert.equal(r.code, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as { rule: string; line: number; message: string }[];
    assert.deepEqual(
      rows.map((x) => [x.rule, x.line]),
      [
        ['helm/fail', 5],
        ['sandbox/dns-duplicate', 7],
      ],
    );
    assert.match(rows[0].message, /DNS name "default" is already declared by service "default"/);
    const clean = run(['--helm', helmBinary('4.1.4'), valid]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  });

  it('reads stdin for "-"', () => {
    const r = run(['-', '--format', 'json'], 'services:\n  Bad_Name:\n    image: "a:1"\n');
    assert.equal(r.code, 1);
    const rows = JSON.parse(r.stdout) as { file: string; rule: string; line: number }[];
    assert.deepEqual(
      rows.map((x) => [x.file, x.rule, x.line]),
      [['<stdin>', 'sandbox/service-name', 2]],
    );
  });

  describe('sarif', () => {
    let log: Record<string, unknown>;
    before(() => {
      const work = join(dir, 'work');
      mkdirSync(join(work, 'sub dir'), { recursive: true });
      writeFileSync(join(work, 'sub dir', 'values.yaml'), 'services:\n  Bad_Name:\n    image: nginx\n');
      const r = spawnSync(process.execPath, [cli, '--format', 'sarif', 'sub dir/values.yaml', burstable], {
        cwd: work,
        encoding: 'utf8',
      });
      assert.equal(r.status, 1, r.stderr);
      log = JSON.parse(r.stdout) as Record<string, unknown>;
    });

    it('is valid against the SARIF 2.1.0 schema', () => {
      // The OASIS schema (draft-04) as shipped in @microsoft/jest-sarif; ajv 8 reads it without its draft-04 ids.
      let file: string;
      try {
        file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
      } catch {
        throw new Error('the SARIF schema is missing: npm install --save-dev @microsoft/jest-sarif@1.0.0-beta.0');
      }
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      delete schema.id;
      const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }); // one pattern there is not valid with the u flag
      ajv.addFormat('uri', (s: string) => URL.canParse(s));
      ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/'));
      ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
      const ok = ajv.validate(schema, log);
      assert.ok(ok, JSON.stringify(ajv.errors, null, 2));
    });

    it('has what code scanning needs: tool, rules, results with rule ids, levels and regions', () => {
      assert.equal(log.version, '2.1.0');
      const run0 = (log.runs as Record<string, unknown>[])[0];
      const driver = (
        run0.tool as {
          driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] };
        }
      ).driver;
      assert.equal(driver.name, 'k8s-sandbox-lint');
      assert.match(driver.version, /^\d+\.\d+\.\d+/);
      const results = run0.results as {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
      }[];
      const byRule = (id: string) => results.filter((x) => x.ruleId === id);
      const name = byRule('sandbox/service-name')[0];
      assert.equal(name.level, 'error');
      assert.equal(driver.rules[name.ruleIndex].id, 'sandbox/service-name');
      assert.deepEqual(name.locations[0].physicalLocation, {
        artifactLocation: { uri: 'sub%20dir/values.yaml' },
        region: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 11 },
      });
      assert.equal(byRule('sandbox/image-unpinned')[0].level, 'note');
      const qos = byRule('sandbox/qos-not-guaranteed');
      assert.equal(qos.length, 3);
      assert.ok(
        qos.every(
          (x) => x.level === 'warning' && x.locations[0].physicalLocation.artifactLocation.uri.startsWith('file:///'),
        ),
      );
      for (const r of driver.rules) assert.ok(r.shortDescription.text.length > 0);
    });
  });
});
