// Documents and edits for the incremental-linter tests: real fixtures and generated multi-service files whose
// services trigger per-service findings (with quick fixes pointing into the service, the head and the file end).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateValues } from '../../../bench/suites/lint';
import { fixturesDir } from './helpers';

export const fixtureTexts: string[] = [
  ...readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(join(fixturesDir, f), 'utf8')),
  ...readdirSync(join(fixturesDir, 'invalid')).map((f) => readFileSync(join(fixturesDir, 'invalid', f), 'utf8')),
];

/** Service bodies (4-space indented lines) that make rules speak: fine, Burstable, port 53, Kata, volumes... */
const bodies: string[][] = [
  ['image: "nginx:1.27.0"', 'resources: {limits: {cpu: 1, memory: 1Gi}}'],
  [
    'image: nginx',
    'ports:',
    '  - port: 53',
    'resources:',
    '  requests: {cpu: 100m}',
    '  limits: {cpu: 200m, memory: 1Gi}',
  ],
  ['image: "python:3.12"', 'runtimeClassName: kata-qemu', 'hostNetwork: true', 'sysctls: [{name: a, value: "1"}]'],
  [
    'image: busybox:latest',
    'securityContext:',
    '  privileged: true',
    '  capabilities:',
    '    add: [NET_RAW]',
    'volumes:',
    '  - data:/mnt',
    '  - "cache:mnt"',
  ],
  [
    'image: "x:1"',
    'networks:',
    '  - backend',
    '  - Bad_Net',
    'additionalDnsRecords: [api.local, "bad name"]',
    'dnsRecord: true',
  ],
  [
    'image: "x:1"',
    'terminationGracePeriodSeconds: 0',
    'initContainers:',
    '  - name: init',
    '    image: alpine',
    '    resources: {limits: {cpu: 1}}',
  ],
  [
    'image: "x:1"',
    'command: ["dnsmasq", "--port=53"]',
    'volumeMounts:',
    '  - name: nowhere',
    '    mountPath: /x',
    'unknownKey: 1',
  ],
  ['image: 5', 'ports: [{port: "http"}]', 'readinessProbe:', '  tcpSocket:', '    port: 53'],
  ['# a comment inside', 'image: "a:1"', '', 'env:', '  - name: A', '    value: |', '      multi', '      line'],
];

const heads: { before: string[]; after: string[] }[] = [
  { before: [], after: [] },
  { before: ['# values', 'timeouts:', '  riskLevel: high'], after: [] },
  { before: ['networks:', '  backend: {}'], after: ['volumes:', '  data: {}'] },
  {
    before: ['global:', '  fullnameOverride: a-rather-long-fullname-override-value'],
    after: ['# tail comment', '', 'allowDomains: ["pypi.org"]', 'allowEntities: [world]'],
  },
  { before: ['allowDomainsPorts:', '  - {port: 443}'], after: ['networks: {}'] },
];

const names = [
  'default',
  'web',
  'api',
  'db',
  'Bad_Name',
  'coredns',
  'worker-1',
  'a-very-long-service-name-that-leaves-no-room-for-a-release',
  '"quoted"',
  '123',
];

/** A values file with `n` services of the bodies above around one of the heads. */
export function richValues(n: number, seed: number): string {
  const head = heads[seed % heads.length];
  const out = [...head.before, 'services:'];
  for (let i = 0; i < n; i++) {
    const name = i === 0 ? 'default' : `${names[(seed + i) % names.length].replace(/^"|"$/g, '')}-${i}`;
    out.push(`  ${name}:`, ...bodies[(seed * 7 + i) % bodies.length].map((l) => `    ${l}`));
  }
  out.push(...head.after);
  return `${out.join('\n')}\n`;
}

export const baseTexts: string[] = [
  ...fixtureTexts,
  generateValues(3),
  generateValues(12),
  ...Array.from({ length: 10 }, (_, s) => richValues(2 + (s % 6), s)),
  richValues(4, 3).replace(/\n/g, '\r\n'),
];

/** Lines an edit may insert: valid service and head lines, and ones that break the split or the YAML. */
const lines = [
  '  extra:',
  '    image: "e:1"',
  '    image: nope',
  '  default:',
  '  web-1:',
  'services:',
  'volumes:',
  '  data: {}',
  'networks:',
  '  Bad_Net: {}',
  'timeouts:',
  '  riskLevel: critical',
  '  appTimeoutSeconds: 99999',
  '    x: &anchor 1',
  '    y: *anchor',
  '    <<: {a: 1}',
  '---',
  '...',
  '%YAML 1.1',
  '# comment',
  '',
  '   ',
  '\t',
  ' odd: 1',
  '    - item',
  '  - item',
  '    ports: [{port: 53}]',
  '    k: [1,',
  '    q: "open',
  '    b: |',
  '      block',
  'x: 1',
  '  "sp ace":',
  '    image: !custom x',
  '  ? complex',
  '\r',
  '    k: |+',
  '    f: >-',
  '      ',
  '      folded',
  '    - [a,',
  '      b]',
  '  # between',
  '    # deeper',
  'other:',
  '  nested: 1',
];
const chars = [
  ' ',
  '\n',
  ':',
  '-',
  '#',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  'a',
  'x',
  '1',
  '_',
  '\t',
  '\r',
  '.',
];

export type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'line'; at: number; text: string }
  | { kind: 'dropLine'; at: number }
  | { kind: 'dupLines'; at: number; count: number }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'value'; at: number; text: string }
  | { kind: 'move'; at: number; to: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...chars), fc.string({ maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom(...chars) }),
  fc.record({ kind: fc.constant('line' as const), at: fc.nat(), text: fc.constantFrom(...lines) }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dupLines' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    name: fc.constantFrom(...names, 'x', 'coredns', 'Web', ''),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    at: fc.nat(),
    text: fc.constantFrom('1', 'true', '53', '"nginx"', 'nginx:latest', '[]', '{}', '', 'gvisor', 'kata', '500m', '~'),
  }),
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
);

function lineBounds(t: string, at: number): [number, number] {
  const ls = t.lastIndexOf('\n', at - 1) + 1;
  const nl = t.indexOf('\n', at);
  return [ls, nl < 0 ? t.length : nl + 1];
}

/** Applies one edit the way typing would (offsets wrap around the text). */
export function applyEdit(t: string, e: Edit): string {
  const at = t.length ? e.at % (t.length + 1) : 0;
  switch (e.kind) {
    case 'insert':
      return t.slice(0, at) + e.text + t.slice(at);
    case 'delete':
      return t.slice(0, at) + t.slice(at + e.len);
    case 'replace':
      return t.slice(0, at) + e.text + t.slice(at + 1);
    case 'line': {
      const [ls] = lineBounds(t, at);
      return `${t.slice(0, ls)}${e.text}\n${t.slice(ls)}`;
    }
    case 'dropLine': {
      const [ls, le] = lineBounds(t, at);
      return t.slice(0, ls) + t.slice(le);
    }
    case 'dupLines': {
      const [ls, first] = lineBounds(t, at);
      let le = first;
      for (let i = 1; i < e.count && le < t.length; i++) le = lineBounds(t, le)[1];
      const block = t.slice(ls, le);
      return t.slice(0, le) + block + (block.endsWith('\n') ? '' : '\n') + t.slice(le);
    }
    case 'rename': {
      // The service key on or before the line: `  name:` at two spaces.
      const keys = [...t.matchAll(/^ {2}([^\s#:][^:\n]*):/gm)];
      if (!keys.length) return t;
      const k = keys[e.at % keys.length];
      const s = k.index + 2;
      return t.slice(0, s) + e.name + t.slice(s + k[1].length);
    }
    case 'move': {
      // Cut one service block (its key line at two spaces through the line before the next) and paste it before another.
      const keys = [...t.matchAll(/^ {2}[^\s#-][^\n]*:[^\n]*$/gm)].map((m) => m.index);
      if (keys.length < 2) return t;
      const i = e.at % keys.length;
      const end = keys[i + 1] ?? (/\n(?=\S)/.exec(t.slice(keys[i]))?.index ?? t.length - keys[i] - 1) + keys[i] + 1;
      const block = t.slice(keys[i], end);
      const rest = t.slice(0, keys[i]) + t.slice(end);
      const targets = [...rest.matchAll(/^ {2}[^\s#-][^\n]*:[^\n]*$/gm)].map((m) => m.index);
      const at = targets[e.to % targets.length];
      return rest.slice(0, at) + block + (block.endsWith('\n') ? '' : '\n') + rest.slice(at);
    }
    case 'value': {
      // Replace the value of some `key: value` line.
      const vals = [...t.matchAll(/^ +[A-Za-z]+: ([^\n]+)$/gm)];
      if (!vals.length) return t;
      const v = vals[e.at % vals.length];
      const s = v.index + v[0].length - v[1].length;
      return t.slice(0, s) + e.text + t.slice(s + v[1].length);
    }
  }
}
