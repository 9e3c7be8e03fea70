// values.yaml linting as the installed extension reports it: the shared valid fixtures give no errors, each
// invalid one an error at the line a person would point at, and a quick fix clears it.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { e2eContext } from './context';

const SOURCE = 'k8s-sandbox';
const valid = [
  '01-dns-multi-service-values.yaml',
  '02-networks-values.yaml',
  '03-runtime-class-values.yaml',
  '04-compose-converted-helm-values.yaml',
  '05-allow-domains-ports-scoped-values.yaml',
  '07-volumes-values.yaml',
];
/** 1-based line of the offending entry in each invalid fixture (see the fixtures' README). */
const invalid: Record<string, number> = {
  'invalid/invalid-service-name-values.yaml': 2,
  'invalid/invalid-dns-record-values.yaml': 5,
  'invalid/allow-domains-ports-invalid-values.yaml': 8,
  'invalid/allow-domains-ports-bad-domain-values.yaml': 9,
};

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const errors = (uri: vscode.Uri) => ours(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

function waitForDiagnostics(
  uri: vscode.Uri,
  pred: (d: vscode.Diagnostic[]) => boolean,
  what: string,
  ms = 15_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const d = ours(uri);
      if (!pred(d)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics(() => void check());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `timed out waiting for ${what}; have: ${JSON.stringify(ours(uri).map((d) => [d.range.start.line + 1, d.message]))}`,
        ),
      );
    }, ms);
    check();
  });
}

describe('values lint diagnostics (in the extension host)', () => {
  const ws = e2eContext().workspace;
  const uri = (rel: string) => vscode.Uri.file(join(ws, rel));

  it('reports each invalid fixture as an error at the offending line', async () => {
    for (const [file, line] of Object.entries(invalid)) {
      await vscode.workspace.openTextDocument(uri(file));
      const d = await waitForDiagnostics(
        uri(file),
        (ds) => ds.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
        `an error in ${file}`,
      );
      const lines = d.filter((x) => x.severity === vscode.DiagnosticSeverity.Error).map((x) => x.range.start.line + 1);
      assert.ok(lines.includes(line), `${file}: errors at lines ${lines.join(', ')}, expected one at ${line}`);
    }
  });

  it('gives no errors for the valid fixtures (and QoS warnings for fixture 04)', async () => {
    for (const file of valid) await vscode.workspace.openTextDocument(uri(file));
    // Lint runs on open, in order: once fixture 04 (opened among them) has its warnings, all were linted.
    await waitForDiagnostics(uri('04-compose-converted-helm-values.yaml'), (d) => d.length > 0, 'fixture 04 warnings');
    for (const file of valid)
      assert.deepEqual(
        errors(uri(file)).map((d) => d.message),
        [],
        file,
      );
    const qos = ours(uri('04-compose-converted-helm-values.yaml'));
    assert.ok(
      qos.every((d) => d.severity === vscode.DiagnosticSeverity.Warning),
      'fixture 04: warnings only',
    );
    assert.ok(
      qos.some((d) => /Guaranteed|Burstable|requests/i.test(d.message)),
      'fixture 04: a QoS warning',
    );
  });

  it('applies the quick fix for an invalid service name and the error goes away', async () => {
    const dir = join(ws, 'e2e-in-host');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'values.yaml');
    copyFileSync(join(ws, 'invalid', 'invalid-service-name-values.yaml'), file);
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const [diag] = await waitForDiagnostics(
        doc.uri,
        (d) => d.some((x) => x.range.start.line === 1),
        'the service-name error',
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.edit && /service/i.test(a.title));
      assert.ok(fix?.edit, `no quick fix offered (got: ${actions.map((a) => a.title).join(', ')})`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await waitForDiagnostics(
        doc.uri,
        (d) => !d.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
        'the error to clear after the fix',
      );
      assert.doesNotMatch(doc.getText(), /unsafe\\nname/);
      await doc.save();
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
