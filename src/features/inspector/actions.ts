// What the inspector does in the editor: edits to the release's values file (WorkspaceEdits the user sees,
// unsaved), JSONL export, helm upgrade of the risk level and force kill, each after a confirmation.
import * as vscode from 'vscode';
import { addValuesEntry, minimalEdit } from '../../core/cilium/valuesEdit';
import { entryYaml, type ValuesEntry } from '../../core/cilium/suggest';
import { setRiskLevel } from '../../core/timeouts/valuesEdit';
import type { RiskLevel } from '../../core/timeouts/riskTable';
import { upgradeRiskLevelCommand } from '../../core/helm/commands';
import { runHelm } from '../../core/helm/runner';
import type { ReleaseVM } from '../../core/sandbox/viewModels';
import { SandboxError, cancelled } from '../../core/errors';
import { chartDir, helmSetup } from '../../platform/helmEnvironment';
import { confirm, withProgress } from '../../platform/ui';
import type { InspectorActions } from '../../core/inspector/inspectorSession';
import type { InspectorPorts } from '../../core/inspector/kubePorts';
import type { InspectorServices, ReleaseTarget } from './types';
import type { ReleaseKey } from '../../valuesFiles';

const OUR_CHART = 'k8s-sandbox';

export class PanelActions implements InspectorActions {
  constructor(
    private readonly ext: vscode.ExtensionContext,
    private readonly services: InspectorServices,
    private readonly target: ReleaseTarget,
    private readonly ports: () => InspectorPorts,
  ) {}

  private release(): ReleaseVM | undefined {
    return this.services.sandboxes?.releases.find(
      (r) => r.namespace === this.target.namespace && r.name === this.target.release,
    );
  }

  private get ref(): ReleaseKey {
    return { context: this.services.cluster.require().context, ...this.target };
  }

  /** The release's values file: the one Install Sandbox used, else the one the user picked. */
  valuesFile(): string | undefined {
    const context = this.services.cluster.current?.context;
    return context === undefined ? undefined : this.services.valuesFiles.get({ context, ...this.target });
  }

  async pickValuesFile(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title: `Values file of ${this.target.release}`,
      canSelectMany: false,
      filters: { YAML: ['yaml', 'yml'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return undefined;
    await this.services.valuesFiles.set(this.ref, picked[0].fsPath);
    return `Values file for ${this.target.release}: ${picked[0].fsPath}`;
  }

  private async valuesDocument(): Promise<vscode.TextDocument> {
    let file = this.valuesFile();
    if (!file) {
      await this.pickValuesFile();
      file = this.valuesFile();
    }
    if (!file) throw cancelled('Choosing the values file');
    return vscode.workspace.openTextDocument(vscode.Uri.file(file));
  }

  /** Applies `next` as one minimal edit, unsaved, and shows it selected so the user sees what changed. */
  private async edit(doc: vscode.TextDocument, next: string, label: string): Promise<void> {
    const e = minimalEdit(doc.getText(), next);
    const range = new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length));
    const we = new vscode.WorkspaceEdit();
    we.replace(doc.uri, range, e.text, { label, needsConfirmation: false });
    if (!(await vscode.workspace.applyEdit(we)))
      throw new SandboxError('InvalidInput', `Could not edit ${doc.uri.fsPath}`);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const start = doc.positionAt(e.offset);
    const end = doc.positionAt(e.offset + e.text.length);
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async addToValues(entry: ValuesEntry): Promise<string | undefined> {
    const doc = await this.valuesDocument();
    const r = addValuesEntry(doc.getText(), entry, this.release()?.chart.name);
    if (!r.ok) throw new SandboxError('InvalidInput', `Cannot add to ${doc.uri.fsPath}: ${r.error}`);
    if (!r.changed)
      return `${doc.uri.fsPath} already allows this (${entry.key}). If drops continue, the release may not have been upgraded with it yet.`;
    await this.edit(doc, r.text, `Allow in ${this.target.release}`);
    this.services.log.info(`Inspector: added to ${doc.uri.fsPath}:\n${entryYaml(entry)}`);
    return `Added to ${doc.uri.fsPath} (not saved yet). Save it and upgrade the release to apply.`;
  }

  async exportJsonl(jsonl: string, count: number): Promise<string | undefined> {
    if (count === 0) return 'Nothing to export yet.';
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${this.target.release}-drops-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    const uri = await vscode.window.showSaveDialog({
      title: 'Export drops as JSONL',
      filters: { 'JSON Lines': ['jsonl'] },
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(jsonl, 'utf8'));
    return `Exported ${count} flows to ${uri.fsPath}.`;
  }

  async setRiskLevel(level: RiskLevel, via: 'values' | 'helm'): Promise<string | undefined> {
    if (via === 'values') {
      const doc = await this.valuesDocument();
      const r = setRiskLevel(doc.getText(), level, this.release()?.chart.name);
      if (!r.ok) throw new SandboxError('InvalidInput', `Cannot edit ${doc.uri.fsPath}: ${r.error}`);
      if (!r.changed) return `${doc.uri.fsPath} already sets timeouts.riskLevel: ${level}.`;
      await this.edit(doc, r.text, `Risk level ${level}`);
      return `Set timeouts.riskLevel: ${level} in ${doc.uri.fsPath} (not saved yet). Save it and upgrade the release to apply.`;
    }
    const rel = this.release();
    if (rel && rel.chart.name !== OUR_CHART) {
      return `${this.target.release} uses the chart ${rel.chart.name}, not ${OUR_CHART}: upgrading would switch charts. Edit its values file instead.`;
    }
    const ok = await confirm(
      `Upgrade ${this.target.release} to risk level ${level}?`,
      `Runs helm upgrade --reuse-values --set timeouts.riskLevel=${level} in ${this.target.namespace}. The pods are recreated with the new grace period, and whatever runs in them now is stopped.`,
      'Upgrade',
    );
    if (!ok) throw cancelled();
    const { target, env } = await helmSetup(this.services);
    const cmd = upgradeRiskLevelCommand(target, {
      release: this.target.release,
      namespace: this.target.namespace,
      chart: chartDir(this.ext.extensionPath),
      riskLevel: level,
      timeoutSeconds: 300,
    });
    const status = await withProgress(`Upgrading ${this.target.release} to risk level ${level}`, (signal) =>
      runHelm(cmd, { env, signal, sink: (l, stream) => this.services.log.line(l, stream) }),
    );
    return `${this.target.release} is at revision ${status.version} (${status.status}) with risk level ${level}.`;
  }

  async forceKill(pod: string): Promise<string | undefined> {
    // Only pods of this release, whatever the webview asks.
    const pods = await this.ports().releasePods(this.target.namespace, this.target.release);
    if (!pods.some((p) => p.metadata?.name === pod))
      throw new SandboxError('InvalidInput', `${pod} is not a pod of ${this.target.release}`);
    const ok = await confirm(
      `Force kill pod ${pod} in ${this.target.namespace}?`,
      'Grace period 0: its processes are killed at once, with no cleanup and no final audit logs. Its StatefulSet creates a new pod.',
      'Force Kill',
    );
    if (!ok) throw cancelled();
    await this.ports().forceDeletePod(this.target.namespace, pod);
    this.services.log.info(`Inspector: force killed pod ${this.target.namespace}/${pod}`);
    return `Force killed ${pod}.`;
  }
}
