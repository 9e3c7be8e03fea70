// Each rule: a file that triggers it (at the right line), one that does not, and its quick fix applied.
import { strict as assert } from 'node:assert';
import { rules } from '../../../src/core/lint/api';
import { applyFixAndRelint, lint, ofRule, show } from './helpers';

interface Case {
  rule: string;
  name: string;
  bad: string;
  line: number;
  good: string;
  fix?: boolean;
  /** Expected text after the fix (optional, for the interesting edits). */
  fixed?: string;
}

const svc = (body: string, name = 'default'): string => `services:\n  ${name}:\n    image: "nginx:1.27.0"\n${body}`;

const cases: Case[] = [
  {
    rule: 'sandbox/service-name',
    name: 'upper case and underscore',
    bad: 'services:\n  Web_1:\n    image: "nginx:1.27.0"\n',
    line: 2,
    good: 'services:\n  web-1:\n    image: "nginx:1.27.0"\n',
    fix: true,
    fixed: 'services:\n  web-1:\n    image: "nginx:1.27.0"\n',
  },
  {
    rule: 'sandbox/service-name',
    name: 'longer than 63 characters',
    bad: `services:\n  ${'a'.repeat(64)}:\n    image: "nginx:1.27.0"\n`,
    line: 2,
    good: `services:\n  ${'a'.repeat(50)}:\n    image: "nginx:1.27.0"\n`,
    fix: true,
  },
  {
    rule: 'sandbox/reserved-name',
    name: 'service called coredns',
    bad: 'services:\n  coredns:\n    image: "nginx:1.27.0"\n',
    line: 2,
    good: 'services:\n  dns:\n    image: "nginx:1.27.0"\n',
  },
  {
    rule: 'sandbox/name-length',
    name: 'no room for a release name',
    bad: `services:\n  ${'a'.repeat(51)}:\n    image: "nginx:1.27.0"\n`,
    line: 2,
    good: `services:\n  ${'a'.repeat(50)}:\n    image: "nginx:1.27.0"\n`,
  },
  {
    rule: 'sandbox/name-length',
    name: 'too long with fullnameOverride',
    bad: `global:\n  fullnameOverride: ${'f'.repeat(30)}\nservices:\n  ${'a'.repeat(22)}:\n    image: "nginx:1.27.0"\n`,
    line: 4,
    good: `global:\n  fullnameOverride: ${'f'.repeat(30)}\nservices:\n  ${'a'.repeat(21)}:\n    image: "nginx:1.27.0"\n`,
  },
  {
    rule: 'sandbox/port-53',
    name: 'declared port',
    bad: svc('    ports:\n      - port: 53\n        protocol: UDP\n'),
    line: 5,
    good: svc('    ports:\n      - port: 5353\n        protocol: UDP\n'),
  },
  {
    rule: 'sandbox/port-53',
    name: 'command listening on 53',
    bad: svc('    command: ["dnsmasq", "--port=53", "-k"]\n'),
    line: 4,
    good: svc('    command: ["sleep", "53"]\n'),
  },
  {
    rule: 'sandbox/qos-not-guaranteed',
    name: 'requests below limits',
    bad: svc(
      '    resources:\n      limits:\n        cpu: 1\n        memory: 1Gi\n      requests:\n        cpu: 500m\n        memory: 1Gi\n',
    ),
    line: 4,
    good: svc(
      '    resources:\n      limits:\n        cpu: "1"\n        memory: 1Gi\n      requests:\n        cpu: 1000m\n        memory: 1024Mi\n',
    ),
    fix: true,
    fixed: svc(
      '    resources:\n      limits:\n        cpu: 1\n        memory: 1Gi\n      requests:\n        cpu: 1\n        memory: 1Gi\n',
    ),
  },
  {
    rule: 'sandbox/qos-not-guaranteed',
    name: 'memory only (fixture 04 style), flow style',
    bad: svc('    resources: {limits: {memory: 2Gi}, requests: {memory: 2Gi}}\n'),
    line: 4,
    good: svc('    resources: {limits: {cpu: 2, memory: 2Gi}}\n'),
    fix: true,
  },
  {
    rule: 'sandbox/qos-not-guaranteed',
    name: "init container with memory only (one without resources gets the service's, so it is fine)",
    bad: svc(
      '    initContainers:\n      - name: setup\n        image: "busybox:1.36"\n        resources:\n          limits: {memory: 64Mi}\n',
    ),
    line: 7,
    good: svc('    initContainers:\n      - name: setup\n        image: "busybox:1.36"\n'),
    fix: true,
  },
  {
    rule: 'sandbox/kata-unsupported',
    name: 'privileged on kata',
    bad: svc('    runtimeClassName: kata-qemu\n    securityContext:\n      privileged: true\n'),
    line: 6,
    good: svc('    runtimeClassName: kata-qemu\n    securityContext:\n      runAsUser: 1000\n'),
  },
  {
    rule: 'sandbox/kata-unsupported',
    name: 'SELinux options and a sized /dev/shm on kata',
    bad: svc(
      '    runtimeClassName: kata\n    volumes:\n      - name: shm\n        emptyDir: {medium: Memory, sizeLimit: 1Gi}\n    volumeMounts:\n      - name: shm\n        mountPath: /dev/shm\n',
    ),
    line: 7,
    good: svc(
      '    runtimeClassName: runc\n    volumes:\n      - name: shm\n        emptyDir: {medium: Memory, sizeLimit: 1Gi}\n    volumeMounts:\n      - name: shm\n        mountPath: /dev/shm\n',
    ),
  },
  {
    rule: 'sandbox/gvisor-unsupported',
    name: 'NET_RAW under the default runtime',
    bad: svc('    securityContext:\n      capabilities:\n        add: [NET_RAW]\n'),
    line: 6,
    good: svc('    runtimeClassName: runc\n    securityContext:\n      capabilities:\n        add: [NET_RAW]\n'),
  },
  {
    rule: 'sandbox/gvisor-unsupported',
    name: 'privileged under explicit gvisor',
    bad: svc('    runtimeClassName: gvisor\n    securityContext:\n      privileged: true\n'),
    line: 6,
    good: svc('    runtimeClassName: gvisor\n    securityContext:\n      privileged: false\n'),
  },
  {
    rule: 'sandbox/allow-domains-ports-web',
    name: 'port 443 with protocol defaulting to ANY',
    bad: svc('') + 'allowDomains: [pypi.org]\nallowDomainsPorts:\n  - port: 8008\n  - port: 443\n',
    line: 7,
    good: svc('') + 'allowDomains: [pypi.org]\nallowDomainsPorts:\n  - port: 8008\n  - port: 443\n    protocol: UDP\n',
    fix: true,
    fixed: svc('') + 'allowDomains: [pypi.org]\nallowDomainsPorts:\n  - port: 8008\n',
  },
  {
    rule: 'sandbox/allow-domains-ports-web',
    name: 'TCP 80 as the only entry',
    bad: svc('') + 'allowDomains: [pypi.org]\nallowDomainsPorts:\n  - {port: 80, protocol: TCP}\n',
    line: 6,
    good: svc('') + 'allowDomains: [pypi.org]\nallowDomainsPorts:\n  - {port: 8080, protocol: TCP}\n',
    fix: true,
  },
  {
    rule: 'sandbox/allow-domains-ports-domain',
    name: 'domain not in allowDomains',
    bad: svc('') + 'allowDomains:\n  - pypi.org\nallowDomainsPorts:\n  - port: 22\n    domain: github.com\n',
    line: 8,
    good:
      svc('') +
      'allowDomains:\n  - pypi.org\n  - GitHub.com\nallowDomainsPorts:\n  - port: 22\n    domain: github.com\n',
    fix: true,
    fixed:
      svc('') +
      'allowDomains:\n  - pypi.org\n  - github.com\nallowDomainsPorts:\n  - port: 22\n    domain: github.com\n',
  },
  {
    rule: 'sandbox/allow-domains-ports-domain',
    name: 'no allowDomains at all',
    bad: svc('') + 'allowDomainsPorts:\n  - port: 22\n    domain: github.com\n',
    line: 6,
    good: svc('') + 'allowDomains: [github.com]\nallowDomainsPorts:\n  - port: 22\n    domain: github.com\n',
    fix: true,
  },
  {
    rule: 'sandbox/allow-domains-ports-domain',
    name: 'unscoped port with empty allowDomains',
    bad: svc('') + 'allowDomainsPorts:\n  - port: 22\n',
    line: 5,
    good: svc('') + 'allowDomains: [github.com]\nallowDomainsPorts:\n  - port: 22\n',
  },
  {
    rule: 'sandbox/domain-format',
    name: 'URL instead of a domain',
    bad: svc('') + 'allowDomains:\n  - https://pypi.org/simple\n',
    line: 5,
    good: svc('') + 'allowDomains:\n  - "*.pypi.org"\n',
    fix: true,
    fixed: svc('') + 'allowDomains:\n  - pypi.org\n',
  },
  {
    rule: 'sandbox/cidr-format',
    name: 'prefix out of range',
    bad: svc('') + 'allowCIDR:\n  - 1.1.1.1/40\n',
    line: 5,
    good: svc('') + 'allowCIDR:\n  - 1.1.1.1/32\n  - 10.0.0.0/8\n  - 2001:db8::/32\n  - 8.8.8.8\n',
    fix: true,
  },
  {
    rule: 'sandbox/entity-unknown',
    name: 'misspelled entity',
    bad: svc('') + 'allowEntities: [kube-apiservr]\n',
    line: 4,
    good: svc('') + 'allowEntities: [kube-apiserver]\n',
    fix: true,
  },
  {
    rule: 'sandbox/open-internet',
    name: 'world entity',
    bad: svc('') + 'allowEntities:\n  - world\n',
    line: 5,
    good: svc('') + 'allowEntities:\n  - cluster\n',
  },
  {
    rule: 'sandbox/open-internet',
    name: 'wildcard domain',
    bad: svc('') + 'allowDomains: ["*"]\n',
    line: 4,
    good: svc('') + 'allowDomains: ["*.example.com"]\n',
  },
  {
    rule: 'sandbox/dns-record',
    name: 'space in a record',
    bad: svc('    additionalDnsRecords:\n      - "a.example b"\n'),
    line: 5,
    good: svc('    additionalDnsRecords:\n      - a.example\n      - under_score.example\n'),
    fix: true,
  },
  {
    rule: 'sandbox/dns-duplicate',
    name: 'name claimed twice',
    bad: svc('    dnsRecord: true\n') + '  web:\n    image: "nginx:1.27.0"\n    additionalDnsRecords: [default]\n',
    line: 7,
    good: svc('    dnsRecord: true\n') + '  web:\n    image: "nginx:1.27.0"\n    additionalDnsRecords: [web.example]\n',
  },
  {
    rule: 'sandbox/network-name',
    name: 'upper case network and its uses',
    bad: 'networks:\n  Net_A: {}\n' + svc('    networks: [Net_A]\n'),
    line: 2,
    good: 'networks:\n  net-a: {}\n' + svc('    networks: [net-a]\n'),
    fix: true,
    fixed: 'networks:\n  net-a: {}\n' + svc('    networks: [net-a]\n'),
  },
  {
    rule: 'sandbox/network-undeclared',
    name: 'service joins an undeclared network',
    bad: 'networks:\n  a: {}\n' + svc('    networks:\n      - a\n      - b\n'),
    line: 8,
    good: 'networks:\n  a: {}\n  b: {}\n' + svc('    networks:\n      - a\n      - b\n'),
    fix: true,
  },
  {
    rule: 'sandbox/network-undeclared',
    name: 'no networks section',
    bad: svc('    networks: [a]\n'),
    line: 4,
    good: 'networks: {a: {}}\n' + svc('    networks: [a]\n'),
    fix: true,
  },
  {
    rule: 'sandbox/volume-string',
    name: 'relative mount path',
    bad: svc('    volumes:\n      - "data:mnt/data:ro"\n') + 'volumes:\n  data: {}\n',
    line: 5,
    good: svc('    volumes:\n      - "data:/mnt/data:ro"\n') + 'volumes:\n  data: {}\n',
    fix: true,
  },
  {
    rule: 'sandbox/volume-undeclared',
    name: 'string volume without a top-level volume',
    bad: svc('    volumes:\n      - data:/mnt/data\n'),
    line: 5,
    good: svc('    volumes:\n      - data:/mnt/data\n') + 'volumes:\n  data: {}\n',
    fix: true,
  },
  {
    rule: 'sandbox/volume-undeclared',
    name: 'volumeMount naming no volume',
    bad: svc('    volumeMounts:\n      - name: cache\n        mountPath: /cache\n'),
    line: 5,
    good: svc(
      '    volumes:\n      - name: cache\n        emptyDir: {}\n    volumeMounts:\n      - name: cache\n        mountPath: /cache\n',
    ),
  },
  {
    rule: 'sandbox/volume-duplicate',
    name: 'name the chart uses',
    bad: svc('    volumes:\n      - name: resolv-conf\n        emptyDir: {}\n'),
    line: 5,
    good: svc('    volumes:\n      - name: resolv\n        emptyDir: {}\n'),
  },
  {
    rule: 'sandbox/unknown-helper',
    name: 'include of a helper the chart does not define, at its own line',
    bad:
      svc('') +
      'additionalResources:\n  - |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: {{ include "agentEnv.fullnam" . }}-x\n',
    line: 9,
    good:
      svc('') +
      'additionalResources:\n  - |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: {{ include "agentEnv.fullname" . }}-x\n',
    fix: true,
  },
  {
    rule: 'sandbox/allow-domains-ports-web',
    name: 'lower-case tcp on 443 (protocols are case-insensitive; lower-case udp is fine)',
    bad: 'allowDomains: [a.com]\nallowDomainsPorts:\n  - port: 443\n    protocol: tcp\n',
    line: 3,
    good: 'allowDomains: [a.com]\nallowDomainsPorts:\n  - port: 443\n    protocol: udp\n',
    fix: true,
  },
  {
    rule: 'sandbox/grace-period',
    name: 'too long for high risk',
    bad: 'timeouts:\n  riskLevel: high\n' + svc('    terminationGracePeriodSeconds: 30\n'),
    line: 6,
    good: 'timeouts:\n  riskLevel: high\n' + svc('    terminationGracePeriodSeconds: 4\n'),
    fix: true,
  },
  {
    rule: 'sandbox/grace-period',
    name: 'grace 0 at the default (medium) risk',
    bad: svc('    terminationGracePeriodSeconds: 0\n'),
    line: 4,
    good: svc('    terminationGracePeriodSeconds: 10\n'),
    fix: true,
  },
  {
    rule: 'sandbox/app-timeout-deadline',
    name: 'app timeout past the deadline',
    bad: svc('') + 'timeouts:\n  appTimeoutSeconds: 300\n  deadlineSeconds: 200\n',
    line: 6,
    good: svc('') + 'timeouts:\n  appTimeoutSeconds: 300\n  deadlineSeconds: 330\n',
    fix: true,
    fixed: svc('') + 'timeouts:\n  appTimeoutSeconds: 300\n  deadlineSeconds: 320\n',
  },
  {
    rule: 'sandbox/app-timeout-deadline',
    name: 'app timeout past the risk-table deadline',
    bad: svc('') + 'timeouts:\n  riskLevel: high\n  appTimeoutSeconds: 150\n',
    line: 6,
    good: svc('') + 'timeouts:\n  riskLevel: high\n  appTimeoutSeconds: 100\n',
    fix: true,
  },
  {
    rule: 'sandbox/image-unpinned',
    name: 'no tag',
    bad: 'services:\n  default:\n    image: nginx\n',
    line: 3,
    good: 'services:\n  default:\n    image: registry.local:5000/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
  },
  {
    rule: 'sandbox/image-unpinned',
    name: ':latest on an init container',
    bad: svc(
      '    initContainers:\n      - name: setup\n        image: busybox:latest\n        resources: {limits: {cpu: 1, memory: 1Gi}}\n',
    ),
    line: 6,
    good: svc(
      '    initContainers:\n      - name: setup\n        image: registry.local:5000/busybox:1.36\n        resources: {limits: {cpu: 1, memory: 1Gi}}\n',
    ),
  },
];

describe('lint rules', () => {
  for (const c of cases) {
    describe(`${c.rule}: ${c.name}`, () => {
      it('reports the problem at the right line', () => {
        const found = ofRule(lint(c.bad), c.rule);
        assert.ok(found.length > 0, `no ${c.rule} for:\n${c.bad}\n${show(lint(c.bad))}`);
        assert.equal(found[0].line, c.line, show(found));
      });
      it('stays quiet on the corrected file', () => {
        const ds = lint(c.good);
        assert.deepEqual(ofRule(ds, c.rule), [], show(ds));
        assert.deepEqual(
          ds.filter((d) => d.severity === 'error'),
          [],
          show(ds),
        );
      });
      if (c.fix) {
        it('has a quick fix that re-lints clean', () => {
          const { fixed, after } = applyFixAndRelint(c.bad, c.rule);
          assert.deepEqual(ofRule(after, c.rule), [], show(after));
          if (c.fixed !== undefined) assert.equal(fixed, c.fixed);
        });
      }
    });
  }

  it('covers every registered rule with a case', () => {
    const covered = new Set(cases.map((c) => c.rule));
    assert.deepEqual(
      rules.map((r) => r.id).filter((id) => !covered.has(id)),
      [],
    );
  });

  it('gives every rule a stable id, a severity and a reason', () => {
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of rules) {
      assert.match(r.id, /^sandbox\/[a-z0-9-]+$/);
      assert.ok(['error', 'warning', 'info'].includes(r.severity));
      assert.ok(r.why.length > 40, r.id);
    }
  });
});
