// The sandbox's DNS (Corefile) and Cilium policies: exactly the declared records, domains, ports, CIDRs and
// entities, nothing more. Lookups are played through a model of CoreDNS (corefile.ts).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmVersions } from '../../support/tools';
import { parseCorefile, resolve, type ServerBlock } from './corefile';
import { releaseSelector, viewPolicy, webAllowances } from './policy';
import { byName, cleanupHelmHome, fixturesDir, ofKind, render, type Obj } from './support';

const H3 = helmVersions[0];
const NS = 'sandbox-ns';
const target = (svc: string): string => `r1-${svc}.${NS}.svc.cluster.local.`;
const fx = (name: string): string => join(fixturesDir, name);
const corefile = (objs: Obj[]): Map<string, ServerBlock> => parseCorefile(byName(objs, 'ConfigMap', 'r1-coredns-configmap').data.Corefile);
const policy = (objs: Obj[], svc: string) => viewPolicy(byName(objs, 'CiliumNetworkPolicy', `r1-${svc}`));
const forwarded = (name: string) => ({ kind: 'forward', name });
const nx = { kind: 'rcode', rcode: 'NXDOMAIN' };
const nsNames = `pattern:*.${NS}.svc.cluster.local`;

const custom = `
allowDomains: ["*.example.com", "Docs.Python.org", "api.example.com", "pypi.org", "pypi.org"]
allowDomainsPorts:
  - {port: 8443, protocol: TCP, domain: api.example.com}
  - {port: 443, protocol: UDP}
allowCIDR: ["10.1.0.0/16", "192.0.2.7", "2001:db8::/32"]
allowEntities: [kube-apiserver]
services:
  default: {image: "python:3.12"}
  db: {image: "postgres:16", dnsRecord: true, additionalDnsRecords: [db.internal], networkIsolated: true}
  web: {image: "nginx:1.27", additionalDnsRecords: [docs.python.org]}
`;
const world = `
allowDomains: ["*", "pypi.org"]
allowDomainsPorts: [{port: 22}]
services:
  default: {image: "python:3.12"}
`;

describe('chart: DNS sidecar and Cilium policy', function () {
  this.timeout(60_000);
  let dir: string;
  let customFile: string;
  let worldFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chart-values-'));
    customFile = join(dir, 'custom-values.yaml');
    worldFile = join(dir, 'world-values.yaml');
    writeFileSync(customFile, custom);
    writeFileSync(worldFile, world);
    await Promise.all(
      [customFile, worldFile, ...['01-dns-multi-service-values.yaml', '02-networks-values.yaml', '04-compose-converted-helm-values.yaml', '05-allow-domains-ports-scoped-values.yaml'].map(fx)].map((f) =>
        render(H3, 'r1', [f]),
      ),
    );
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    cleanupHelmHome();
  });

  it('fixture 01: the Corefile holds exactly the declared records, each resolving to its service', async () => {
    const blocks = corefile(await render(H3, 'r1', [fx('01-dns-multi-service-values.yaml')]));
    const rewrites = [...blocks.values()].flatMap((b) => b.rewrites.map((r) => `${r.from}->${r.to}`)).sort();
    assert.deepEqual(rewrites, [
      `google.com.->${target('victim-google')}`,
      `r1-victim-google.->${target('victim-google')}`,
      `r1-victim-ports.->${target('victim-ports')}`,
      `r1-victim.->${target('victim')}`,
      `victim-google.->${target('victim-google')}`,
      `victim-ports.->${target('victim-ports')}`,
      `victim.->${target('victim')}`,
    ]);
    for (const b of blocks.values()) assert.deepEqual(b.bind, ['127.0.0.1'], `${b.zone} binds only to localhost`);
    assert.deepEqual(resolve(blocks, 'victim'), forwarded(target('victim')));
    assert.deepEqual(resolve(blocks, 'VICTIM'), forwarded(target('victim')));
    assert.deepEqual(resolve(blocks, 'google.com'), forwarded(target('victim-google')));
    assert.deepEqual(resolve(blocks, 'www.google.com'), nx, 'only the exact record, not names below it');
    assert.deepEqual(resolve(blocks, 'default'), nx, 'default has no DNS record');
    assert.deepEqual(resolve(blocks, 'kubernetes.default.svc.cluster.local'), nx, 'no cluster names outside the namespace');
    assert.deepEqual(resolve(blocks, `other.${NS}.svc.cluster.local`), forwarded(`other.${NS}.svc.cluster.local.`), 'the namespace\'s names, as agent-env');
    assert.deepEqual(resolve(blocks, `${NS}.svc.cluster.local`), nx, 'not the namespace zone itself');
    assert.deepEqual(resolve(blocks, 'example.org'), nx, 'nothing outside allowDomains');
  });

  it('fixture 05: allowDomains are forwarded exactly; the policy admits exactly the domains and scoped ports', async () => {
    const objs = await render(H3, 'r1', [fx('05-allow-domains-ports-scoped-values.yaml')]);
    const blocks = corefile(objs);
    assert.deepEqual([...blocks.keys()].sort(), ['.', 'github.com.', 'pypi.org.', `${NS}.svc.cluster.local.`]);
    assert.deepEqual(resolve(blocks, 'pypi.org'), forwarded('pypi.org.'));
    assert.deepEqual(resolve(blocks, 'files.pypi.org'), nx);
    assert.deepEqual(resolve(blocks, 'github.com'), forwarded('github.com.'));
    const p = policy(objs, 'default');
    assert.deepEqual(p.dnsNames, new Set([nsNames, 'name:pypi.org', 'name:github.com']));
    assert.deepEqual(p.dnsServers, new Set(['kube-dns', 'node-local-dns']));
    assert.deepEqual(
      p.outside,
      new Set([
        ...webAllowances('name:pypi.org', 'pypi.org', '^pypi[.]org(:80)?$'),
        ...webAllowances('name:github.com', 'github.com', '^github[.]com(:80)?$'),
        'name:pypi.org 8008/ANY',
        'name:github.com 8008/ANY',
        'name:github.com 22/ANY',
      ]),
    );
    assert.deepEqual(p.egressPeers, new Set([releaseSelector('r1', NS)]));
    assert.deepEqual(p.ingressPeers, new Set([releaseSelector('r1', NS)]));
    const host = new RegExp('^pypi[.]org(:[0-9]+)?$', 'i');
    assert.ok(host.test('pypi.org') && host.test('pypi.org:80') && host.test('PyPI.org:8080'));
    assert.ok(!host.test('evil-pypi.org') && !host.test('pypi.org.evil.com') && !host.test('pypiXorg'));
  });

  it('fixture 04: records and allowDomains together', async () => {
    const blocks = corefile(await render(H3, 'r1', [fx('04-compose-converted-helm-values.yaml')]));
    const zones = [...blocks.keys()].sort();
    assert.deepEqual(zones, ['.', 'default.', 'ghidra.', 'google.com.', 'r1-default.', 'r1-ghidra.', 'r1-victim.', `${NS}.svc.cluster.local.`, 'victim.']);
    assert.deepEqual(resolve(blocks, 'ghidra'), forwarded(target('ghidra')));
    assert.deepEqual(resolve(blocks, 'google.com'), forwarded('google.com.'));
  });

  it('custom values: wildcard and exact domains, scoped and UDP ports, CIDRs, entities, a record over an allowed name', async () => {
    const objs = await render(H3, 'r1', [customFile]);
    const blocks = corefile(objs);
    assert.deepEqual(resolve(blocks, 'a.example.com'), forwarded('a.example.com.'));
    assert.deepEqual(resolve(blocks, 'example.com'), nx, '*.example.com does not include the apex');
    assert.deepEqual(resolve(blocks, 'api.example.com'), forwarded('api.example.com.'));
    assert.deepEqual(resolve(blocks, 'docs.python.org'), forwarded(target('web')), 'the record wins over the allowed name');
    assert.deepEqual(resolve(blocks, 'db.internal'), forwarded(target('db')));
    assert.deepEqual(resolve(blocks, 'pythonhosted.org'), nx);

    const p = policy(objs, 'default');
    const sel = { wild: 'pattern:*.example.com', docs: 'name:docs.python.org', api: 'name:api.example.com', pypi: 'name:pypi.org' };
    assert.deepEqual(p.dnsNames, new Set([...Object.values(sel), nsNames]));
    assert.deepEqual(
      p.outside,
      new Set([
        ...webAllowances(sel.wild, '*.example.com', '^[-a-z0-9_]+[.]example[.]com(:80)?$'),
        ...webAllowances(sel.docs, 'docs.python.org', '^docs[.]python[.]org(:80)?$'),
        ...webAllowances(sel.api, 'api.example.com', '^api[.]example[.]com(:80)?$'),
        ...webAllowances(sel.pypi, 'pypi.org', '^pypi[.]org(:80)?$'),
        `${sel.api} 8443/TCP`,
        ...Object.values(sel).map((s) => `${s} 443/UDP`),
        'cidr:10.1.0.0/16 *',
        'cidr:192.0.2.7/32 *',
        'cidr:2001:db8::/32 *',
        'entity:kube-apiserver *',
      ]),
    );
    const db = policy(objs, 'db');
    assert.ok(db.isolated && db.egressDenyAll && db.ingressDenyAll, 'networkIsolated: deny all');
    assert.equal(db.outside.size + db.dnsNames.size + db.egressPeers.size + db.ingressPeers.size, 0);
  });

  it('allowDomains "*": every name resolves and every resolved address is reachable on every port (no SNI/Host rules)', async () => {
    const objs = await render(H3, 'r1', [worldFile]);
    assert.deepEqual(resolve(corefile(objs), 'anything.example'), forwarded('anything.example.'));
    const p = policy(objs, 'default');
    assert.deepEqual(p.dnsNames, new Set([nsNames, 'pattern:*', 'name:pypi.org']));
    assert.deepEqual(p.outside, new Set(['pattern:* *']));
  });

  it('no allowDomains: DNS for the namespace only, no outside egress, only the release', async () => {
    const objs = await render(H3, 'r1', [fx('01-dns-multi-service-values.yaml')]);
    const p = policy(objs, 'default');
    assert.equal(p.outside.size, 0);
    assert.deepEqual(p.dnsNames, new Set([nsNames]));
    assert.deepEqual(p.egressPeers, new Set([releaseSelector('r1', NS)]));
    assert.equal(ofKind(objs, 'CiliumNetworkPolicy').length, 4, 'one policy per service');
  });

  it('fixture 02: networks narrow in-release traffic; a service on no network talks to no other service', async () => {
    const objs = await render(H3, 'r1', [fx('02-networks-values.yaml')]);
    const net = (n: string): string => releaseSelector('r1', NS, n);
    const expected: Record<string, string[]> = { default: [net('default-victim')], victim1: [net('default-victim'), net('victim-1-3')], victim2: [], victim3: [net('victim-1-3')] };
    for (const [svc, peers] of Object.entries(expected)) {
      const p = policy(objs, svc);
      assert.deepEqual(p.egressPeers, new Set(peers), svc);
      assert.deepEqual(p.ingressPeers, new Set(peers), svc);
      assert.equal(p.ingressDenyAll, peers.length === 0, svc);
      const labels = byName(objs, 'StatefulSet', `r1-${svc}`).spec.template.metadata.labels;
      const netLabels = Object.keys(labels).filter((k) => k.startsWith('k8s-sandbox.dev/network-')).sort();
      assert.deepEqual(netLabels, peers.map((s) => s.split(',').find((kv) => kv.startsWith('k8s-sandbox.dev/network-'))!.split('=')[0]).sort(), svc);
    }
  });

  it('refuses what the policy or the Corefile could not honour', async () => {
    const cases: Array<[string, RegExp]> = [
      ['services:\n  default: {image: a}\n  b: {image: b, networks: [nope]}\n', /services\.b\.networks: network "nope" is not declared/],
      ['services:\n  default: {image: a, volumes: ["data:/data"]}\n', /services\.default\.volumes\[0\]: "data:\/data" refers to volume "data", which is not declared/],
      ['services:\n  default: {image: a, dnsRecord: true}\n  b: {image: b, additionalDnsRecords: [default]}\n', /DNS name "default" is already declared by service "(b|default)"/],
      ['services:\n  default: {image: a}\n  coredns: {image: b}\n', /services\.coredns: the name "coredns" is taken/],
      ['allowDomainsPorts: [{port: 22}]\n', /allowDomainsPorts\[0\]: port 22 is opened to the allowDomains, but allowDomains is empty/],
      ['allowDomains: [a.com]\nallowDomainsPorts: [{port: 80, protocol: TCP}]\n', /allowDomainsPorts\[0\]: port 80 with protocol TCP is not allowed/],
      ['services:\n  default: {image: a}\n  a-very-long-service-name-that-does-not-fit-in-a-statefulset: {image: b}\n', /has 62 characters; StatefulSet pods need at most 52/],
      ['services:\n  default: {image: a, volumes: [{name: resolv-conf, emptyDir: {}}]}\n', /volume name "resolv-conf" is used twice/],
    ];
    await Promise.all(
      cases.map(async ([values, problem], i) => {
        const file = join(dir, `bad-${i}.yaml`);
        writeFileSync(file, values);
        await assert.rejects(render(H3, 'r1', [file]), problem, values);
      }),
    );
  });
});
