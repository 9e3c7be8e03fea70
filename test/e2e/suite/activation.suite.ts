// The installed vsix activates in the real extension host and registers every command its manifest contributes.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { e2eContext } from './context';

const id = 'k8s-sandbox.k8s-sandbox';

/** The command ids agreed between the features (team contract): each must ship in the manifest and work. */
const contractCommands = [
  'k8sSandbox.installSandbox',
  'k8sSandbox.tearDown',
  'k8sSandbox.tearDownAllMine',
  'k8sSandbox.openTerminal',
  'k8sSandbox.openTerminalAsUser',
  'k8sSandbox.runCommand',
  'k8sSandbox.debugEphemeral',
  'k8sSandbox.showLogs',
  'k8sSandbox.copyPodName',
  'k8sSandbox.forceDeletePod',
  'k8sSandbox.refresh',
  'k8sSandbox.retry',
  'k8sSandbox.selectContext',
  'k8sSandbox.selectNamespace',
  'k8sSandbox.openInspector',
];

describe('activation (in the extension host)', () => {
  it('is installed and activates without error', async () => {
    const ext = vscode.extensions.getExtension(id);
    assert.ok(ext, `${id} is not installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes every agreed command in the installed manifest, in the K8s Sandbox category', () => {
    const ext = vscode.extensions.getExtension(id);
    assert.ok(ext);
    const contributed: { command: string; category?: string }[] = ext.packageJSON?.contributes?.commands ?? [];
    const ids = new Set(contributed.map((c) => c.command));
    const missing = contractCommands.filter((c) => !ids.has(c));
    assert.deepEqual(missing, [], `missing from package.json contributes.commands: ${missing.join(', ')}`);
    const wrongCategory = contributed.filter((c) => c.category !== 'K8s Sandbox').map((c) => c.command);
    assert.deepEqual(wrongCategory, []);
  });

  it('registers every command contributed in package.json', async () => {
    const ext = vscode.extensions.getExtension(id);
    assert.ok(ext);
    await ext.activate();
    const contributed: { command: string }[] = ext.packageJSON?.contributes?.commands ?? [];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('runs in the extension host the harness started (remote under code-server)', () => {
    const host = e2eContext().host;
    if (host === 'code-server') assert.ok(vscode.env.remoteName, 'expected a remote extension host');
    else assert.equal(vscode.env.remoteName, undefined);
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20, `Node ${process.version} is below engines.node`);
  });
});
