import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { addValuesEntry, minimalEdit } from '../../../src/core/cilium/valuesEdit';
import { ValuesEntry } from '../../../src/core/cilium/suggest';
import { fixturesDir } from '../chart/support';

const fixture = (n: string) => readFileSync(join(fixturesDir, n), 'utf8');

function apply(text: string, e: ValuesEntry): { text: string; changed: boolean } {
  const r = addValuesEntry(text, e);
  if (!r.ok) throw new Error(r.error);
  return r;
}

/** Everything but the named keys is unchanged, and the text outside the edit is byte-identical. */
function assertOnlyAdded(before: string, after: string, keys: string[]) {
  const a = parse(before) ?? {};
  const b = parse(after);
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if (!keys.includes(k)) assert.deepEqual(b[k], a[k], k);
  const edit = minimalEdit(before, after);
  assert.equal(before.slice(0, edit.offset) + edit.text + before.slice(edit.offset + edit.length), after);
  assert.equal(edit.length, 0, 'a pure insertion: nothing the user wrote is replaced');
}

describe('values edit: adding a suggested allow entry (Inspector "Add to values…")', () => {
  it('appends to an existing quoted block list, keeping its indentation (fixture 05)', () => {
    const before = fixture('05-allow-domains-ports-scoped-values.yaml');
    const r = apply(before, { key: 'allowDomains', domain: 'api.example.com' });
    assert.equal(r.changed, true);
    assert.deepEqual(parse(r.text).allowDomains, ['pypi.org', 'github.com', 'api.example.com']);
    assert.match(r.text, /\n {2}- "github.com"\n {2}- api\.example\.com\n/);
    assertOnlyAdded(before, r.text, ['allowDomains']);
  });

  it('appends to a non-indented list (fixture 04, `- google.com` at column 0)', () => {
    const before = fixture('04-compose-converted-helm-values.yaml');
    const r = apply(before, { key: 'allowDomains', domain: 'example.org' });
    assert.deepEqual(parse(r.text).allowDomains, ['google.com', 'example.org']);
    assert.match(r.text, /\n- google\.com\n- example\.org/);
    assertOnlyAdded(before, r.text, ['allowDomains']);
  });

  it('is a no-op when the entry is already there', () => {
    const before = fixture('05-allow-domains-ports-scoped-values.yaml');
    const r = apply(before, { key: 'allowDomains', domain: 'github.com' });
    assert.deepEqual(r, { ok: true, text: before, changed: false });
    // port 22 for github.com exists (protocol ANY by default) → covered.
    assert.equal(
      apply(before, { key: 'allowDomainsPorts', domain: 'github.com', port: 22, protocol: 'TCP' }).changed,
      false,
    );
  });

  it('allowDomainsPorts adds the domain to allowDomains too (the chart requires it)', () => {
    const before = fixture('05-allow-domains-ports-scoped-values.yaml');
    const r = apply(before, { key: 'allowDomainsPorts', domain: 'git.example.com', port: 2222, protocol: 'TCP' });
    const v = parse(r.text);
    assert.deepEqual(v.allowDomains, ['pypi.org', 'github.com', 'git.example.com']);
    assert.deepEqual(v.allowDomainsPorts, [
      { port: 8008 },
      { port: 22, domain: 'github.com' },
      { domain: 'git.example.com', port: 2222, protocol: 'TCP' },
    ]);
    assert.deepEqual(v.services, parse(before).services);
  });

  it('creates a missing list at the end; handles empty and comment-only files', () => {
    const before = '# my sandbox\nservices:\n  default:\n    image: python:3.12 # pinned later\n';
    const r = apply(before, { key: 'allowCIDR', cidr: '1.1.1.1/32' });
    assert.equal(r.text, `${before}allowCIDR:\n  - 1.1.1.1/32\n`);
    assertOnlyAdded(before, r.text, ['allowCIDR']);
    assert.equal(
      apply('', { key: 'allowEntities', entity: 'kube-apiserver' }).text,
      'allowEntities:\n  - kube-apiserver\n',
    );
    assert.deepEqual(parse(apply('# nothing yet', { key: 'allowEntities', entity: 'host' }).text), {
      allowEntities: ['host'],
    });
    assert.deepEqual(parse(apply('a: 1', { key: 'allowEntities', entity: 'host' }).text), {
      a: 1,
      allowEntities: ['host'],
    });
  });

  it('extends flow lists in place', () => {
    assert.equal(
      apply('allowDomains: []\nx: 1\n', { key: 'allowDomains', domain: 'a.io' }).text,
      'allowDomains: [a.io]\nx: 1\n',
    );
    assert.equal(
      apply('allowDomains: [b.io]  # c\n', { key: 'allowDomains', domain: 'a.io' }).text,
      'allowDomains: [b.io, a.io]  # c\n',
    );
    const r = apply('allowDomains: [a.io]\nallowDomainsPorts: []\n', {
      key: 'allowDomainsPorts',
      domain: 'a.io',
      port: 22,
      protocol: 'UDP',
    });
    assert.deepEqual(parse(r.text).allowDomainsPorts, [{ domain: 'a.io', port: 22, protocol: 'UDP' }]);
  });

  it('fills an empty key (`allowCIDR:`)', () => {
    const r = apply('allowCIDR:\nservices: {}\n', { key: 'allowCIDR', cidr: '10.1.0.0/16' });
    assert.deepEqual(parse(r.text), { allowCIDR: ['10.1.0.0/16'], services: {} });
  });

  it('quotes a wildcard domain (a bare * would be a YAML alias)', () => {
    const r = apply('allowDomains:\n  - a.io\n', { key: 'allowDomains', domain: '*.example.com' });
    assert.deepEqual(parse(r.text).allowDomains, ['a.io', '*.example.com']);
  });

  it('refuses broken or unexpected files with a clear error', () => {
    assert.deepEqual(addValuesEntry('a: [1\n', { key: 'allowDomains', domain: 'a.io' }).ok, false);
    const notList = addValuesEntry('allowDomains: example.com\n', { key: 'allowDomains', domain: 'a.io' });
    assert.deepEqual(notList, { ok: false, error: 'allowDomains in the values file is not a list' });
    const notMap = addValuesEntry('- a\n- b\n', { key: 'allowDomains', domain: 'a.io' });
    assert.equal(notMap.ok, false);
  });

  it('minimalEdit gives the smallest single replacement', () => {
    assert.deepEqual(minimalEdit('abcdef', 'abXYef'), { offset: 2, length: 2, text: 'XY' });
    assert.deepEqual(minimalEdit('abc', 'abc'), { offset: 3, length: 0, text: '' });
    assert.deepEqual(minimalEdit('a\n', 'a\nb\n'), { offset: 2, length: 0, text: 'b\n' });
  });
});
