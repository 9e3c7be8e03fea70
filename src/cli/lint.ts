#!/usr/bin/env node
// k8s-sandbox-lint FILE... [--format text|json|sarif]: the editor's values.yaml linter, for CI.
// Exit codes: 0 no errors, 1 errors found, 2 usage error or unreadable file.
import { readFileSync } from 'node:fs';
import { version } from '../../package.json';
import { errorMessage } from '../core/errors';
import { allRuleMeta, lintValues, type LintDiagnostic } from '../core/lint/api';
import { findChartDir } from '../core/lint/defaults';
import { formatJson, formatSarif, formatText, formats, type Format } from '../core/lint/format';
import { helmCheck } from '../core/lint/helmCheck';

const usage = `usage: k8s-sandbox-lint FILE... [--format text|json|sarif] [--deep] [--helm PATH]

Lints Helm values files for the k8s-sandbox (agent-env compatible) chart.
  --format   text (default), json, or sarif (SARIF 2.1.0 for code scanning)
  --deep     also run \`helm template\` with each file and map the chart's errors back (slower)
  --helm     helm binary for --deep (default: helm on PATH); implies --deep
Exit codes: 0 no errors, 1 errors found, 2 usage error or unreadable file.
`;

export interface CliResult {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

interface Args {
  files: string[];
  format: Format;
  helm?: string;
}

function parseArgs(argv: readonly string[]): Args | string {
  const files: string[] = [];
  let format: Format = 'text';
  let helm: string | undefined;
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyFiles || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    if (a === '--') onlyFiles = true;
    else if (a === '--format' || a === '-f' || a.startsWith('--format=')) {
      const v = a.startsWith('--format=') ? a.slice('--format='.length) : argv[++i];
      if (!formats.includes(v as Format)) return `unknown format ${JSON.stringify(v ?? '')} (use text, json or sarif)`;
      format = v as Format;
    } else if (a === '--deep') helm ??= 'helm';
    else if (a === '--helm' || a.startsWith('--helm=')) {
      const v = a.startsWith('--helm=') ? a.slice('--helm='.length) : argv[++i];
      if (!v) return '--helm needs a path';
      helm = v;
    } else return `unknown option ${JSON.stringify(a)}`;
  }
  if (files.length === 0) return 'no files given';
  return { files, format, helm };
}

/** The whole CLI as a function of its arguments and a file reader. */
export async function runCli(
  argv: readonly string[],
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): Promise<CliResult> {
  if (argv.includes('--help') || argv.includes('-h')) return { code: 0, stdout: usage, stderr: '' };
  if (argv.includes('--version')) return { code: 0, stdout: `${version}\n`, stderr: '' };
  const args = parseArgs(argv);
  if (typeof args === 'string') return { code: 2, stdout: '', stderr: `k8s-sandbox-lint: ${args}\n${usage}` };

  const diagnostics: LintDiagnostic[] = [];
  let stderr = '';
  let unreadable = false;
  for (const file of args.files) {
    let text: string;
    try {
      text = file === '-' ? readFileSync(0, 'utf8') : read(file);
    } catch (e) {
      unreadable = true;
      stderr += `k8s-sandbox-lint: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`;
      continue;
    }
    const found = lintValues(text, { file: file === '-' ? '<stdin>' : file });
    const deep: LintDiagnostic[] = [];
    if (args.helm && file !== '-') {
      const chartDir = findChartDir();
      if (!chartDir)
        return {
          code: 2,
          stdout: '',
          stderr: `${stderr}k8s-sandbox-lint: --deep needs the chart folder next to the linter\n`,
        };
      // The chart's messages repeat what the engine found; keep those on lines the engine did not flag.
      const flagged = new Set(found.filter((d) => d.severity === 'error').map((d) => d.line));
      deep.push(...(await helmCheck({ helm: args.helm, chartDir, file, text })).filter((d) => !flagged.has(d.line)));
    }
    diagnostics.push(...[...found, ...deep].sort((a, b) => a.line - b.line || a.column - b.column));
  }

  const stdout =
    args.format === 'json'
      ? formatJson(diagnostics)
      : args.format === 'sarif'
        ? formatSarif(diagnostics, allRuleMeta(), { name: 'k8s-sandbox-lint', version })
        : formatText(diagnostics);
  const code = unreadable ? 2 : diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  return { code, stdout, stderr };
}

if (require.main === module) {
  runCli(process.argv.slice(2))
    .then((r) => {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.code;
    })
    .catch((e: unknown) => {
      process.stderr.write(`k8s-sandbox-lint: ${errorMessage(e)}\n`);
      process.exitCode = 2;
    });
}
