// values.yaml linting in the editor: diagnostics (open, debounced edit, save), quick fixes and key hovers,
// all from the VS Code-free engine in core/lint.
import * as vscode from 'vscode';
import { settings } from '../../platform/settings';
import type { IncrementalLinter, LintDiagnostic, WarmUps } from '../../core/lint/api';
import { errorMessage } from '../../core/errors';

// The engine loads when a YAML document is first checked, not at activation (the Sandboxes view needs none of
// it): esbuild keeps it in the one bundle and evaluates it only when this require runs.
let engineModule: typeof import('./engine') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
const engine = (): typeof import('./engine') => (engineModule ??= require('./engine') as typeof import('./engine'));

export const DIAGNOSTIC_SOURCE = 'k8s-sandbox';
const DEBOUNCE_MS = 300;
const defaultInclude = ['**/values*.yaml', '**/helm-values.yaml'];

interface Linted {
  version: number;
  results: LintDiagnostic[];
}

export interface ValuesLintOptions {
  /** Where internal failures are reported (the extension's log). */
  warn?: (message: string) => void;
}

export function registerValuesLint(
  context: vscode.ExtensionContext,
  options: ValuesLintOptions = {},
): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('k8s-sandbox-values');
  const linted = new Map<string, Linted>();
  // One incremental linter per open document: a re-lint after an edit parses only the services that changed.
  // The first lint of a file is whole; its per-service caches fill in short idle slices afterwards.
  const linters = new Map<string, IncrementalLinter>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let warmupsValue: WarmUps | undefined;
  const warmups = (): WarmUps =>
    (warmupsValue ??= new (engine().WarmUps)({
      onFailure: (key, message) => options.warn?.(`values lint: warm-up stopped (${key}): ${message}`),
    }));

  const includes = (): string[] => {
    const v = settings.lintInclude();
    return Array.isArray(v) && v.every((g) => typeof g === 'string') ? v : defaultInclude;
  };

  const isValuesDoc = (doc: vscode.TextDocument): boolean => {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return false;
    if (doc.languageId !== 'yaml' && !/\.ya?ml$/i.test(doc.fileName)) return false;
    if (includes().some((pattern) => vscode.languages.match({ pattern }, doc) > 0)) return true;
    return engine().looksLikeSandboxValues(doc.getText(), doc.fileName);
  };

  const lint = (doc: vscode.TextDocument): Linted | undefined => {
    const key = doc.uri.toString();
    if (!isValuesDoc(doc)) {
      collection.delete(doc.uri);
      linted.delete(key);
      warmupsValue?.stop(key);
      linters.delete(key);
      return undefined;
    }
    const cached = linted.get(key);
    if (cached && cached.version === doc.version) return cached;
    let linter = linters.get(key);
    if (!linter) {
      linter = new (engine().IncrementalLinter)();
      linters.set(key, linter);
    }
    const results = linter.lint(doc.getText());
    warmups().start(key, linter);
    // Results are right either way (it linted the whole file); a failure of the fast path is still a bug to report.
    if (linter.lastPath.startsWith('internal'))
      options.warn?.(`values lint: incremental path failed, linted the whole file: ${linter.lastPath}`);
    const entry = { version: doc.version, results };
    linted.set(key, entry);
    collection.set(
      doc.uri,
      results.map((d) => engine().toVsDiagnostic(d, DIAGNOSTIC_SOURCE)),
    );
    const internal = results.find((d) => d.rule === 'lint/internal');
    if (internal) options.warn?.(`values lint: ${internal.message} (${doc.uri.fsPath})`);
    return entry;
  };

  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    // The warm-up was for the text before the edit; the debounced lint starts one for the new text if needed.
    warmupsValue?.stop(key);
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        lint(doc);
      }, DEBOUNCE_MS),
    );
  };

  const forget = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    warmupsValue?.stop(key);
    linted.delete(key);
    linters.delete(key);
    collection.delete(doc.uri);
  };

  const selector: vscode.DocumentSelector = [{ language: 'yaml' }, { pattern: '**/*.{yaml,yml}' }];

  const codeActions = vscode.languages.registerCodeActionsProvider(
    selector,
    {
      provideCodeActions(doc, _range, ctx) {
        const entry = lint(doc);
        if (!entry) return [];
        const actions: vscode.CodeAction[] = [];
        for (const diag of ctx.diagnostics) {
          if (diag.source !== DIAGNOSTIC_SOURCE) continue;
          const match = entry.results.find(
            (r) =>
              r.fix &&
              r.rule === diag.code &&
              r.message === diag.message &&
              r.line - 1 === diag.range.start.line &&
              r.column - 1 === diag.range.start.character,
          );
          if (!match?.fix) continue;
          const action = new vscode.CodeAction(match.fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diag];
          action.isPreferred = true;
          action.edit = engine().toWorkspaceEdit(doc, match.fix);
          actions.push(action);
        }
        return actions;
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );

  const hovers = vscode.languages.registerHoverProvider(selector, {
    provideHover(doc, position) {
      if (!isValuesDoc(doc)) return undefined;
      let info: ReturnType<typeof import('./engine').hoverAt>;
      try {
        info = engine().hoverAt(doc.getText(), doc.offsetAt(position));
      } catch (e) {
        options.warn?.(`values lint hover failed: ${errorMessage(e)}`);
        return undefined;
      }
      if (!info) return undefined;
      return new vscode.Hover(
        new vscode.MarkdownString(info.markdown),
        new vscode.Range(doc.positionAt(info.range[0]), doc.positionAt(info.range[1])),
      );
    },
  });

  const relintAll = (): void => {
    linted.clear();
    for (const doc of vscode.workspace.textDocuments) lint(doc);
  };

  const disposable = vscode.Disposable.from(
    collection,
    codeActions,
    hovers,
    vscode.workspace.onDidOpenTextDocument((doc) => lint(doc)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) schedule(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => lint(doc)),
    vscode.workspace.onDidCloseTextDocument(forget),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('k8sSandbox.lint.include')) relintAll();
    }),
    {
      dispose: () => {
        timers.forEach((t) => clearTimeout(t));
        warmupsValue?.dispose();
        linters.clear();
      },
    },
  );
  relintAll();
  context.subscriptions.push(disposable);
  return disposable;
}
