import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SandboxError } from '../../../src/core/errors';
import {
  generateReleaseName,
  validateContainerName,
  validateNamespace,
  validatePodName,
  validateReleaseName,
  validateServiceName,
  validateUserName,
} from '../../../src/core/names/validate';
import { resolveValuesPath } from '../../../src/core/names/valuesPath';

const rejects = (f: () => unknown) => assert.throws(f, (e: unknown) => SandboxError.is(e, 'InvalidInput'));

describe('names', () => {
  const hostile = [
    '',
    '-rf',
    '--kubeconfig=/etc/passwd',
    'a;rm -rf /',
    'a b',
    'a$(id)',
    'a`id`',
    'a|b',
    'a&b',
    '../x',
    'a/b',
    'A',
    'a\nb',
    'a\0b',
    'é',
    'a-',
  ];

  it('accepts DNS-1123 labels for namespace, service and container', () => {
    for (const v of ['default', 'a', 'a-b', '0abc', 'x'.repeat(63)]) {
      assert.equal(validateNamespace(v), v);
      assert.equal(validateServiceName(v), v);
      assert.equal(validateContainerName(v), v);
    }
  });

  it('rejects shell metacharacters, option injection, traversal and bad lengths everywhere', () => {
    for (const v of [...hostile, 'x'.repeat(64)]) {
      rejects(() => validateNamespace(v));
      rejects(() => validateServiceName(v));
      rejects(() => validateContainerName(v));
      rejects(() => validateReleaseName(v));
    }
    rejects(() => validateNamespace(undefined));
    rejects(() => validateReleaseName(42));
  });

  it('release names start with a letter and have at most 53 characters', () => {
    assert.equal(validateReleaseName('r1'), 'r1');
    rejects(() => validateReleaseName('1abc'));
    rejects(() => validateReleaseName('a'.repeat(54)));
    assert.equal(validateReleaseName('a'.repeat(53)), 'a'.repeat(53));
  });

  it('pod names are DNS-1123 subdomains', () => {
    assert.equal(validatePodName('r1-default-0'), 'r1-default-0');
    assert.equal(validatePodName('a.b'), 'a.b');
    rejects(() => validatePodName('-a'));
    rejects(() => validatePodName('a..b'));
  });

  it('user names: POSIX names only, no leading dash or digit', () => {
    for (const v of ['root', 'agent', 'www-data', '_apt', 'user.name']) assert.equal(validateUserName(v), v);
    for (const v of ['-root', '1000', 'a b', 'a;b', 'x'.repeat(33), '$(id)', '']) rejects(() => validateUserName(v));
  });

  it('generated release names are 8 lower-case alphanumerics starting with a letter, and valid', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const n = generateReleaseName();
        assert.match(n, /^[a-z][a-z0-9]{7}$/);
        assert.equal(validateReleaseName(n), n);
      }),
      { numRuns: 500 },
    );
  });

  it('only names matching the DNS-1123 label pattern pass (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (s) => {
        const ok = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) && s.length <= 63;
        let passed = true;
        try {
          validateNamespace(s);
        } catch {
          passed = false;
        }
        assert.equal(passed, ok);
      }),
    );
  });
});

describe('values path', () => {
  let root: string;
  let outside: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ks-ws-'));
    outside = mkdtempSync(join(tmpdir(), 'ks-out-'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'values.yaml'), 'services: {}\n');
    writeFileSync(join(outside, 'secret.yaml'), 'x: 1\n');
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link.yaml'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('resolves a relative path inside the workspace to an absolute file', () => {
    assert.equal(resolveValuesPath('sub/values.yaml', root), join(root, 'sub', 'values.yaml'));
    assert.equal(resolveValuesPath(join(root, 'sub', 'values.yaml')), join(root, 'sub', 'values.yaml'));
  });

  it('rejects traversal, symlinks out of the workspace, directories, missing files and relative paths without a workspace', () => {
    rejects(() => resolveValuesPath('../x.yaml', root));
    rejects(() => resolveValuesPath('sub/../../x.yaml', root));
    rejects(() => resolveValuesPath('link.yaml', root));
    rejects(() => resolveValuesPath('sub', root));
    rejects(() => resolveValuesPath('nope.yaml', root));
    rejects(() => resolveValuesPath('sub/values.yaml'));
    rejects(() => resolveValuesPath(''));
    rejects(() => resolveValuesPath('a\0b', root));
  });

  it('an absolute path outside the workspace is allowed (the user picked it), if it is a regular file', () => {
    assert.equal(resolveValuesPath(join(outside, 'secret.yaml'), root), join(outside, 'secret.yaml'));
    rejects(() => resolveValuesPath(outside, root));
  });
});
