// Install Sandbox: values file (explorer / active editor / picker) → namespace → release name → helm install
// with progress and Cancel; RuntimeClass problems offer a fallback; a failed install is removed.
import * as vscode from 'vscode';
import { installSandbox as install, InstallError } from '../../core/helm/install';
import { RuntimeClassError, fallbackSets } from '../../core/helm/runtimeClasses';
import { generateReleaseName, validateNamespace, validateReleaseName } from '../../core/names/validate';
import { resolveValuesPath } from '../../core/names/valuesPath';
import { SandboxError, cancelled } from '../../core/errors';
import { COMMAND } from '../../platform/commandIds';
import { chartDir, helmSetup } from '../../platform/helmEnvironment';
import { validationMessage, withProgress } from '../../platform/ui';
import type { CommandContext } from './shared';

/** Long enough for image pulls on a fresh node; helm reports a timeout with its cause. */
const INSTALL_TIMEOUT_SECONDS = 600;

export async function installSandbox(ctx: CommandContext, uri?: unknown): Promise<void> {
  const { log } = ctx.services;
  const valuesFile = await pickValuesFile(uri);
  const chart = chartDir(ctx.extensionPath);
  const setup = await helmSetup(ctx.services);
  const who = await ctx.services.cluster.whoAmI();
  if (!who.known)
    log.warn(`Installing without a creator label (${who.reason}): Tear Down All Mine will not list this sandbox.`);
  const namespace = await vscode.window.showInputBox({
    title: 'Install Sandbox: namespace',
    value: setup.snapshot.namespace,
    validateInput: validationMessage(validateNamespace),
  });
  if (namespace === undefined) throw cancelled();
  const release = await vscode.window.showInputBox({
    title: 'Install Sandbox: release name',
    value: generateReleaseName(),
    prompt: 'Generated; type another name if you like',
    validateInput: validationMessage(validateReleaseName),
  });
  if (release === undefined) throw cancelled();

  let sets: Record<string, string> = {};
  for (;;) {
    try {
      log.show();
      log.info(`Install ${release} in ${namespace}: chart ${chart}, values ${valuesFile}`);
      const status = await withProgress(`Installing sandbox ${release}`, (signal, report) =>
        install({
          helm: setup.target,
          env: setup.env,
          kc: setup.snapshot.kubeConfig,
          release,
          namespace,
          chart,
          valuesFiles: [valuesFile],
          sets,
          creator: who.known ? who.identity.creator : undefined,
          timeoutSeconds: INSTALL_TIMEOUT_SECONDS,
          signal,
          sink: (line) => {
            log.line(line);
            report(line.length > 80 ? `${line.slice(0, 80)}…` : line);
          },
        }),
      );
      log.info(
        `Sandbox ${status.name} installed in ${status.namespace} (revision ${status.version}, ${status.status})`,
      );
      await ctx.services.valuesFiles.set({ context: setup.snapshot.context, namespace, release }, valuesFile);
      const open = await vscode.window.showInformationMessage(
        `Sandbox ${release} is ready in ${namespace}.`,
        'Open Terminal',
      );
      if (open) await vscode.commands.executeCommand(COMMAND.openTerminal, { kind: 'release', namespace, release });
      return;
    } catch (e) {
      if (!(e instanceof RuntimeClassError)) {
        if (e instanceof InstallError && e.reason === 'Cancelled') void vscode.window.showInformationMessage(e.message);
        throw e;
      }
      const fallback = await offerFallback(e);
      sets = { ...sets, ...fallbackSets(e.problems, fallback) };
      log.info(
        `Retrying with ${Object.entries(sets)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
    }
  }
}

async function offerFallback(e: RuntimeClassError): Promise<string> {
  const choices = ['CLUSTER_DEFAULT', ...e.available.filter((c) => !e.problems.some((p) => p.runtimeClass === c))];
  const items = choices.map((c) => ({
    label: c === 'CLUSTER_DEFAULT' ? 'Cluster default runtime' : c,
    description: c === 'CLUSTER_DEFAULT' ? 'no runtimeClassName' : 'RuntimeClass',
    value: c,
  }));
  const go = await vscode.window.showErrorMessage(
    e.message,
    { modal: true, detail: 'Install with a fallback runtime class for the affected services?' },
    'Choose Fallback…',
  );
  if (!go) throw cancelled('Install');
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Fallback runtime class',
    placeHolder: 'Less isolation than the values ask for',
  });
  if (!picked) throw cancelled('Install');
  return picked.value;
}

/** The values file from the explorer argument, else the active YAML editor, else a file picker. */
async function pickValuesFile(arg: unknown): Promise<string> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && doc.uri.scheme === 'file' && (doc.languageId === 'yaml' || /\.ya?ml$/i.test(doc.fileName))) {
      if (doc.isDirty && !(await doc.save())) throw new SandboxError('InvalidInput', `Save ${doc.fileName} first`);
      uri = doc.uri;
    }
  }
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Values files': ['yaml', 'yml'] },
      title: 'Values file for the sandbox',
    });
    if (!picked?.[0]) throw cancelled();
    uri = picked[0];
  }
  if (uri.scheme !== 'file')
    throw new SandboxError('InvalidInput', `Values file must be a local file (got ${uri.scheme}:)`);
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  return resolveValuesPath(uri.fsPath, root);
}
