// Optional deep check: `helm template` with the file against our chart, with the chart's `fail` messages and
// Helm's schema errors mapped back to lines of the file. Slow (a process per file), so opt-in.
import { spawn } from 'node:child_process';
import { ValuesDoc, rangeOf, type Path } from './document';
import type { LintDiagnostic } from './types';

export interface HelmCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The process to run (argument array, never a shell string). */
export function helmTemplateCommand(helm: string, chartDir: string, valuesFile: string): HelmCommand {
  // `--values=FILE` as one argument, so a file name starting with "-" cannot become an option.
  return { command: helm, args: ['template', 'lint-check', chartDir, `--values=${valuesFile}`] };
}

/** `services.web.volumes[1]`, `/services/web` or `allowDomainsPorts[0]` as a path. */
export function parseHelmPath(p: string): Path {
  if (p.startsWith('/'))
    return p
      .slice(1)
      .split('/')
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const out: (string | number)[] = [];
  // Helm 3's schema errors write list indexes as dotted segments (`ports.0.protocol`).
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    out.push(m[2] !== undefined ? Number(m[2]) : /^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
  return out;
}

interface Entry {
  rule: 'helm/fail' | 'helm/schema' | 'helm/error';
  path: Path;
  key?: string;
  message: string;
  /** A failing templated additionalResources entry: its text and the 1-based line helm names in it. */
  tpl?: { text: string; line: number };
}

/** The problems in helm's stderr, each with the value path it names. */
export function parseHelmErrors(stderr: string): Entry[] {
  const text = stderr.replace(/\r\n/g, '\n');
  const entries: Entry[] = [];
  const items = (body: string): string[] =>
    body
      .split(/\n(?=\s*- )/)
      .map((s) => s.replace(/^\s*- /, '').trim())
      .filter(Boolean);
  const fail = /execution error at \([^)]*\): invalid values:\n([\s\S]*?)(?:\n\n|\nUse --debug|$)/.exec(text);
  if (fail) {
    for (const item of items(fail[1])) {
      const m = /^([A-Za-z0-9_.\-[\]]+): ([\s\S]*)$/.exec(item);
      entries.push({ rule: 'helm/fail', path: m ? parseHelmPath(m[1]) : [], message: m ? m[2] : item });
    }
    return entries;
  }
  const schema = /values don't meet the specifications of the schema\(s\)[^\n]*\n[^\n]*:\n([\s\S]*)$/.exec(text);
  if (schema) {
    for (const item of items(schema[1])) {
      const h4 = /^at '([^']*)': ([\s\S]*)$/.exec(item);
      const h3 = /^([^:\s]+): ([\s\S]*)$/.exec(item);
      const path = h4 ? parseHelmPath(h4[1]) : h3 && h3[1] !== '(root)' ? parseHelmPath(h3[1]) : [];
      const message = (h4 ?? h3)?.[2] ?? item;
      const added = /additional propert(?:y|ies) '?([^'\s]+)'? (?:is )?not allowed/i.exec(message)?.[1];
      const named =
        /Property name of "([\s\S]*?)" does not match/.exec(message)?.[1] ??
        /invalid propertyName '([^']*)'/.exec(message)?.[1]?.replace(/\\n/g, '\n');
      const key = added ?? named;
      if (entries.some((e) => e.key === key && e.path.join('/') === path.join('/'))) continue;
      entries.push({ rule: 'helm/schema', path, key, message: message.replace(/\s*\n\s*/g, ' ') });
    }
    return entries;
  }
  const first = text.split('\n').find((l) => l.trim()) ?? 'helm failed';
  const tpl = /error during tpl function execution for ("(?:[^"\\]|\\.)*"): template: gotpl:(\d+):\d+: (.*)$/.exec(
    first,
  );
  if (tpl) {
    let body: string | undefined;
    try {
      body = JSON.parse(tpl[1]) as string;
    } catch {
      body = undefined;
    }
    const why = tpl[3].replace(/^executing "gotpl" at <[^>]*>: /, '');
    if (body !== undefined)
      return [
        {
          rule: 'helm/error',
          path: ['additionalResources'],
          message: `additionalResources: ${why}`,
          tpl: { text: body, line: Number(tpl[2]) },
        },
      ];
  }
  return [{ rule: 'helm/error', path: [], message: first.replace(/^Error: /, '') }];
}

/** Maps helm's errors onto the file's text. */
export function mapHelmErrors(stderr: string, text: string, file?: string): LintDiagnostic[] {
  let vd: ValuesDoc | undefined;
  try {
    vd = new ValuesDoc(text);
  } catch {
    vd = undefined;
  }
  return parseHelmErrors(stderr).map((e) => {
    let range: [number, number] | undefined;
    if (vd) {
      // Helm 4 reports property-name errors at the root: look for the key where names are keys.
      const where = e.path.length === 0 && e.key ? [['services'], ['networks'], ['volumes']] : [e.path];
      for (const base of where) if (e.key && !range) range = rangeOf(vd.pair(vd.map(vd.at(base).node), e.key)?.key);
      for (let n = e.path.length; n > 0 && !range; n--) {
        const { node, pair } = vd.at(e.path.slice(0, n));
        if (n === e.path.length && e.key) range = rangeOf(vd.pair(vd.map(node), e.key)?.key);
        range ??= rangeOf(pair?.key) ?? rangeOf(node);
      }
    }
    if (vd && e.tpl) range = tplLine(vd, e.tpl.text, e.tpl.line) ?? range;
    const r = range ?? [0, 0];
    const a = vd ? vd.pos(r[0]) : { line: 1, col: 1 };
    const b = vd ? vd.pos(r[1]) : { line: 1, col: 1 };
    const d: LintDiagnostic = {
      line: a.line,
      column: a.col,
      endLine: b.line,
      endColumn: b.col,
      severity: 'error',
      rule: e.rule,
      message: `helm: ${e.message}`,
    };
    if (file !== undefined) d.file = file;
    return d;
  });
}

/** The source range of line `line` of the additionalResources string entry whose value is `body`. */
function tplLine(vd: ValuesDoc, body: string, line: number): [number, number] | undefined {
  const seq = vd.seq(vd.value(vd.root, 'additionalResources'));
  const item = seq?.items.find((n) => vd.scalar(n) === body);
  const r = rangeOf(item);
  if (!r) return undefined;
  const want = (body.split('\n')[line - 1] ?? '').trim();
  const source = vd.text.slice(r[0], r[1]);
  const at = want ? source.indexOf(want) : -1;
  return at < 0 ? r : [r[0] + at, r[0] + at + want.length];
}

export interface HelmCheckOptions {
  helm: string;
  chartDir: string;
  /** Path of the values file on disk (helm reads it). */
  file: string;
  /** Its text, to map lines (read by the caller). */
  text: string;
  timeoutMs?: number;
}

/** Runs `helm template`; resolves to the mapped problems (empty when the chart renders). */
export function helmCheck(o: HelmCheckOptions): Promise<LintDiagnostic[]> {
  const cmd = helmTemplateCommand(o.helm, o.chartDir, o.file);
  return new Promise((resolve) => {
    const child = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      if (stderr.length < 1_000_000) stderr += c;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve([
        {
          file: o.file,
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          severity: 'error',
          rule: 'helm/error',
          message: `cannot run helm (${o.helm}): ${e.message}`,
        },
      ]);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve([]);
      else if (signal)
        resolve([
          {
            file: o.file,
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
            severity: 'error',
            rule: 'helm/error',
            message: `helm template stopped (${signal})`,
          },
        ]);
      else resolve(mapHelmErrors(stderr, o.text, o.file));
    });
  });
}
