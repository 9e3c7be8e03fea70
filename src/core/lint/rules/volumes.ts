// Service volumes: `name:/mount-path` strings refer to the top-level volumes (PVCs the chart creates).
import { isPair } from 'yaml';
import { keyText, rangeOf } from '../document';
import { appendMapEntry, appendTopLevel, scalarText } from '../../values/textEdits';
import { defineServiceRule, q } from '../rule';
import type { TextEdit } from '../types';

/** Splits `name:/path[:ro|:rw]`; `problem` says what is wrong with a malformed one. */
export function parseVolumeString(s: string): { name: string; path: string; problem?: string } {
  const i = s.indexOf(':');
  if (i < 0) return { name: s, path: '', problem: 'must be "name:/mount-path"' };
  const name = s.slice(0, i);
  const path = s.slice(i + 1).replace(/:(ro|rw)$/, '');
  if (!name) return { name, path, problem: 'has no volume name before ":"' };
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    return { name, path, problem: `volume name "${name}" must be lower-case letters, digits and "-"` };
  if (!path.startsWith('/')) return { name, path, problem: `mount path "${path}" must be absolute (start with "/")` };
  if (path.includes(':'))
    return { name, path, problem: 'may end with ":ro" or ":rw" only; the mount path cannot contain ":"' };
  return { name, path };
}

export const volumeString = defineServiceRule(
  {
    id: 'sandbox/volume-string',
    severity: 'error',
    title: 'Malformed volume string',
    why: 'A string entry in a service\'s volumes is "name:/mount-path": the name of a top-level volume and an absolute path to mount it at. Anything else renders an invalid pod.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    vd.seq(vd.value(s.value, 'volumes'))?.items.forEach((item, i) => {
      const v = vd.scalar(item);
      if (typeof v !== 'string') return;
      const parsed = parseVolumeString(v);
      if (!parsed.problem) return;
      const r = rangeOf(item) ?? [0, 0];
      const fixed = `${parsed.name}:/${parsed.path}${/:(ro|rw)$/.exec(v)?.[0] ?? ''}`;
      const fixable = parsed.name && parsed.path && !parsed.path.startsWith('/') && !parseVolumeString(fixed).problem;
      ctx.report({
        range: r,
        path: ['services', s.name, 'volumes', i],
        message: `volume "${v}" of service ${q(s.name)} ${parsed.problem}`,
        fix: fixable
          ? { title: `Use "${fixed}"`, edits: [{ start: r[0], end: r[1], newText: scalarText(fixed) }] }
          : undefined,
      });
    });
  },
  [],
);

export const volumeUndeclared = defineServiceRule(
  {
    id: 'sandbox/volume-undeclared',
    severity: 'error',
    title: 'Volume reference to an undeclared volume',
    why: 'A "name:/path" volume mounts the PVC the chart creates for the top-level volume of that name; if it is not declared, the pod waits forever for a claim that never comes. A volumeMount must name one of the service\'s volumes.',
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const topPair = vd.pair(vd.root, 'volumes');
    const top = vd.map(topPair?.value);
    const declared = new Set((top?.items ?? []).filter(isPair).map((p) => keyText(p)));
    const local = new Set<string>();
    vd.seq(vd.value(s.value, 'volumes'))?.items.forEach((item, i) => {
      const v = vd.scalar(item);
      const objName = vd.scalar(vd.value(vd.map(item), 'name'));
      if (typeof objName === 'string') local.add(objName);
      if (typeof v !== 'string') return;
      const parsed = parseVolumeString(v);
      if (parsed.problem) return;
      local.add(parsed.name);
      if (declared.has(parsed.name)) return;
      let edit: TextEdit | undefined;
      if (top) edit = appendMapEntry(vd, top, parsed.name, {});
      else if (!topPair) edit = appendTopLevel(vd, 'volumes', { [parsed.name]: {} });
      ctx.report({
        range: rangeOf(item) ?? [0, 0],
        path: ['services', s.name, 'volumes', i],
        message: `volume "${parsed.name}" of service ${q(s.name)} is not declared under the top-level volumes:`,
        fix: edit
          ? { title: `Declare volume "${parsed.name}" (a PVC with the chart's defaults)`, edits: [edit] }
          : undefined,
      });
    });
    vd.seq(vd.value(s.value, 'volumeMounts'))?.items.forEach((item, i) => {
      const p = vd.pair(vd.map(item), 'name');
      const n = vd.scalar(p?.value);
      if (!p || typeof n !== 'string' || local.has(n)) return;
      ctx.report({
        range: rangeOf(p.value) ?? [0, 0],
        path: ['services', s.name, 'volumeMounts', i, 'name'],
        message: `volumeMount "${n}" of service ${q(s.name)} names no volume of this service`,
      });
    });
  },
  ['volumes'],
);

/** Pod volumes the chart adds itself (agent-env's names). `name:/path` volumes become `<fullname>-<name>`. */
export const chartPodVolumes = ['coredns-config', 'resolv-conf'];

export const volumeDuplicate = defineServiceRule(
  {
    id: 'sandbox/volume-duplicate',
    severity: 'error',
    title: 'Volume name used twice in a pod',
    why: `Pod volume names must be unique, and the chart already uses ${chartPodVolumes.join(' and ')}; the chart rejects a clash.`,
  },
  (ctx, s) => {
    const vd = ctx.vd;
    const seen = new Set(chartPodVolumes);
    vd.seq(vd.value(s.value, 'volumes'))?.items.forEach((item, i) => {
      // "name:/path" strings get release-prefixed pod volume names, so only volume objects can clash.
      if (typeof vd.scalar(item) === 'string') return;
      const node = vd.value(vd.map(item), 'name');
      const name = vd.scalar(node);
      if (typeof name !== 'string' || !name) return;
      if (seen.has(name)) {
        ctx.report({
          range: rangeOf(node) ?? [0, 0],
          path: ['services', s.name, 'volumes', i],
          message: `volume name "${name}" is used twice in the pod of service ${q(s.name)}${chartPodVolumes.includes(name) ? ' (the chart uses it itself)' : ''}; rename one`,
        });
      }
      seen.add(name);
    });
  },
  [],
);
