// Output formats of the lint CLI: text for people, JSON for scripts, SARIF 2.1.0 for code scanning.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintDiagnostic, RuleMeta, Severity } from './types';

export type Format = 'text' | 'json' | 'sarif';
export const formats: readonly Format[] = ['text', 'json', 'sarif'];

export function formatText(ds: readonly LintDiagnostic[]): string {
  const lines = ds.map((d) => `${d.file ?? '<input>'}:${d.line}:${d.column}: ${d.severity} ${d.message} [${d.rule}]`);
  const count = (s: Severity): number => ds.filter((d) => d.severity === s).length;
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  lines.push(
    ds.length
      ? `${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${count('info')} info`
      : 'no problems',
  );
  return lines.join('\n') + '\n';
}

/** `[{file, line, column, endLine, endColumn, severity, rule, message}]`, 1-based. */
export function formatJson(ds: readonly LintDiagnostic[]): string {
  const rows = ds.map((d) => ({
    file: d.file ?? null,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    rule: d.rule,
    message: d.message,
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A SARIF artifact URI: relative paths stay relative (to the checkout root), absolute ones become file: URIs. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split(/[\\/]/)
    .filter((s) => s !== '.' && s !== '')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
}

export function formatSarif(ds: readonly LintDiagnostic[], rules: readonly RuleMeta[], tool: SarifTool): string {
  const used = rules.filter((r) => ds.some((d) => d.rule === r.id));
  const index = new Map(used.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: used.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: r.why },
              defaultConfiguration: { level: sarifLevel[r.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: ds.map((d) => ({
          ruleId: d.rule,
          ...(index.has(d.rule) ? { ruleIndex: index.get(d.rule) } : {}),
          level: sarifLevel[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(d.file ?? 'values.yaml') },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
