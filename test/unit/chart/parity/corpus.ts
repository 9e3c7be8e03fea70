// The differential test's corpus: the shared agent-env fixtures, the values examples of agent-env's
// documentation (docs/helm/built-in-chart.md of inspect_k8s_sandbox, one entry per example, transcribed), and one
// case per agent-env parity bullet of issue #15.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, validFixtures } from '../support';

export interface Case {
  readonly name: string;
  readonly yaml: string;
}

const debianDomains = ['pypi.org', 'files.pythonhosted.org', 'bitbucket.org', 'github.com', 'raw.githubusercontent.com', '*.debian.org', '*.kali.org', 'kali.download', 'archive.ubuntu.com', 'security.ubuntu.com', 'mirror.vinehost.net', '*.rubygems.org'];
const svc = 'services:\n  default:\n    image: ubuntu:24.04\n    command: ["tail", "-f", "/dev/null"]\n';

export const docExamples: Case[] = [
  { name: 'docs: runtime class runc', yaml: `${svc}    runtimeClassName: runc\n` },
  { name: 'docs: runtime class CLUSTER_DEFAULT', yaml: `${svc}    runtimeClassName: CLUSTER_DEFAULT\n` },
  { name: 'docs: internet access, allowDomains', yaml: `${svc}allowDomains:\n${debianDomains.map((d) => `  - "${d}"\n`).join('')}` },
  { name: 'docs: internet access, allowCIDR', yaml: `${svc}allowCIDR:\n  - "8.8.8.8/32"\n` },
  { name: 'docs: internet access, allowEntities world', yaml: `${svc}allowEntities:\n  - "world"\n` },
  { name: 'docs: DNS, dnsRecord and additionalDnsRecords', yaml: `${svc}  nginx:\n    image: nginx:1.27.2\n    dnsRecord: true\n    additionalDnsRecords:\n      - example.com\n` },
  { name: 'docs: readiness probes', yaml: 'services:\n  nginx:\n    image: nginx:1.27.2\n    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      initialDelaySeconds: 5\n      periodSeconds: 5\n' },
  { name: 'docs: resources', yaml: `${svc}    resources:\n      limits:\n        memory: "1Gi"\n        cpu: "250m"\n      requests:\n        memory: "1Gi"\n        cpu: "250m"\n` },
  { name: 'docs: volumes', yaml: `${svc}    volumes:\n      - "my-volume:/my-volume-mount-path"\n  worker:\n    image: ubuntu:24.04\n    command: ["tail", "-f", "/dev/null"]\n    volumes:\n      - "my-volume:/my-volume-mount-path"\nvolumes:\n  my-volume:\n` },
  { name: 'docs: volumes with a PVC spec', yaml: `${svc}    volumes:\n      - "my-volume:/data"\nvolumes:\n  my-volume:\n    spec:\n      storageClassName: azurefile\n      accessModes:\n        - ReadWriteOnce\n      resources:\n        requests:\n          storage: 1Gi\n` },
  {
    name: 'docs: networks',
    yaml: `${svc}    networks:\n      - a\n  intermediate:\n    image: ubuntu:24.04\n    command: ["tail", "-f", "/dev/null"]\n    dnsRecord: true\n    networks:\n      - a\n      - b\n  target:\n    image: ubuntu:24.04\n    command: ["tail", "-f", "/dev/null"]\n    dnsRecord: true\n    networks:\n      - b\nnetworks:\n  a:\n  b:\n`,
  },
  { name: 'docs: additionalResources', yaml: `${svc}additionalResources:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: my-secret\n    type: Opaque\n    stringData:\n      password: my-password\n` },
  { name: 'docs: annotations', yaml: `${svc}annotations:\n  my-annotation: my-value\n` },
];

/** One case per parity bullet; each fails on the chart before the parity work. */
export const bulletCases: Case[] = [
  {
    name: 'bullet: agentEnv.* helpers in templated additionalResources',
    yaml: `${svc}  web:\n    image: nginx:1.27.2\n    dnsRecord: true\nlabels:\n  team: evals\nadditionalResources:\n  - |\n    apiVersion: cilium.io/v2\n    kind: CiliumNetworkPolicy\n    metadata:\n      name: {{ include "agentEnv.fullname" . }}-extra\n      labels:\n        {{- include "agentEnv.labels" . | nindent 8 }}\n    spec:\n      endpointSelector:\n        matchLabels:\n          {{- include "agentEnv.selectorLabels" . | nindent 10 }}\n      egress:\n        - toEndpoints:\n            - matchLabels:\n                {{- include "agentEnv.selectorLabels" . | nindent 16 }}\n`,
  },
  { name: 'bullet: lower-case protocols', yaml: `${svc}  dns:\n    image: coredns/coredns:1.11.1\n    ports:\n      - {port: 5353, protocol: udp}\n      - {port: 5353, protocol: tcp}\nallowDomains: [github.com]\nallowDomainsPorts:\n  - {port: 22, protocol: tcp}\n  - {port: 443, protocol: udp}\n  - {port: 9418, protocol: any}\n` },
  { name: 'bullet: allowEntities world', yaml: `${svc}allowEntities: [world]\n` },
  { name: 'bullet: allowEntities all', yaml: `${svc}allowEntities: [all]\nallowDomains: [pypi.org]\n` },
  { name: 'bullet: allowDomains "*"', yaml: `${svc}allowDomains: ["*", "pypi.org"]\nallowDomainsPorts: [{port: 22}]\n` },
  { name: 'bullet: DNS allow-list (namespace, patterns, records)', yaml: `${svc}  db:\n    image: postgres:16\n    dnsRecord: true\n    additionalDnsRecords: [db.internal]\nallowDomains: ["*.example.com", "Docs.Python.org"]\n` },
  { name: 'bullet: services.*.ports restricts ingress', yaml: `${svc}  web:\n    image: nginx:1.27.2\n    ports:\n      - {port: 80}\n      - {port: 80, protocol: TCP}\n  raw:\n    image: nginx:1.27.2\n    dnsRecord: true\n` },
  {
    name: 'bullet: networkIsolated is a deny an allow policy cannot open',
    yaml: `${svc}  locked:\n    image: nginx:1.27.2\n    dnsRecord: true\n    networkIsolated: true\nallowEntities: [world]\nadditionalResources:\n  - apiVersion: cilium.io/v2\n    kind: CiliumNetworkPolicy\n    metadata:\n      name: open-everything\n    spec:\n      endpointSelector:\n        matchLabels:\n          app.kubernetes.io/instance: r1\n      ingress:\n        - fromEntities: [all]\n      egress:\n        - toEntities: [all]\n`,
  },
  { name: 'bullet: serviceAccountName "123"', yaml: `${svc}serviceAccountName: "123"\n` },
  { name: 'bullet: serviceAccountName "true"', yaml: `${svc}serviceAccountName: "true"\n` },
  { name: 'bullet: serviceAccountName "null"', yaml: `${svc}serviceAccountName: "null"\n` },
  { name: 'bullet: HTTP Host any case, any port', yaml: `${svc}allowDomains: ["Example.com", "*.pythonhosted.org"]\nallowDomainsPorts: [{port: 8080, protocol: TCP}]\n` },
  { name: 'bullet: agent-env names (ports, Corefile mount, volumes)', yaml: `${svc}    volumes: ["data:/data"]\n  web:\n    image: nginx:1.27.2\n    ports: [{port: 80}, {port: 8080, protocol: tcp}]\nvolumes:\n  data:\n` },
];

export const fixtureCases: Case[] = validFixtures.map((f) => ({ name: `fixture: ${f}`, yaml: readFileSync(join(fixturesDir, f), 'utf8') }));

export const corpus: Case[] = [...fixtureCases, ...docExamples, ...bulletCases];
