// Engine results to VS Code objects.
import * as vscode from 'vscode';
import { toZeroBased, type Fix, type LintDiagnostic } from '../../core/lint/api';

const severities: Record<LintDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVsDiagnostic(d: LintDiagnostic, source: string): vscode.Diagnostic {
  const r = toZeroBased(d);
  const diag = new vscode.Diagnostic(
    new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
    d.message,
    severities[d.severity],
  );
  diag.code = d.rule;
  diag.source = source;
  return diag;
}

/** The fix's offset edits (into the linted text, which is the document's current version) as a WorkspaceEdit. */
export function toWorkspaceEdit(doc: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits)
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  return edit;
}
