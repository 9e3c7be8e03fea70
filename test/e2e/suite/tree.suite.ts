// The Sandboxes tree's data inside the real extension host: the same services the extension builds (from the
// k8sSandbox.* settings the harness seeded) feed the real TreeDataProvider; its TreeItems for the seeded
// sandboxes carry ready counts, QoS, runtime class and restarts, and an injected crash arrives without a refresh.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/core/sandbox/nodes';
import { SandboxTreeProvider } from '../../../src/features/sandboxTree';
import { createServices } from '../../../src/services';
import { control, e2eContext } from './context';
import { MemoryState } from '../../support/memoryState';

const quietLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  line: () => undefined,
  show: () => undefined,
};

describe('Sandboxes tree data (in the extension host)', () => {
  const ctx = e2eContext();
  const services = createServices(quietLog, new MemoryState());
  const provider = new SandboxTreeProvider(services);
  const changed = new vscode.EventEmitter<void>();
  const sub = provider.onDidChangeTreeData(() => changed.fire());

  after(() => {
    sub.dispose();
    changed.dispose();
    provider.dispose();
    services.dispose();
  });

  const label = (n: TreeNode) => {
    const l = provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  const description = (n: TreeNode) => String(provider.getTreeItem(n).description ?? '');
  /** Release nodes (through the task / "Installed here" or namespace group that holds them). */
  const releases = () =>
    provider
      .getChildren()
      .flatMap((n) => (n.kind === 'namespace' || n.kind === 'task' ? provider.getChildren(n) : [n]))
      .filter((n) => n.kind === 'release');
  /** The inspect/service of a pod of our chart: `<release>-<service>-<ordinal>`. */
  const serviceOf = (release: string, pod: string) => pod.slice(release.length + 1).replace(/-\d+$/, '');
  const podNamed = (release: string, pod: string) =>
    provider.getChildren(find(release)).find((p) => p.kind === 'pod' && p.pod === pod);
  const find = (name: string) => releases().find((n) => label(n) === name);

  /** Resolves when `probe` holds, re-checking on every tree change (no polling of the cluster). */
  function whenTree<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (v: T) => {
        l.dispose();
        clearTimeout(t);
        resolve(v);
      };
      const l = changed.event(() => {
        const v = probe();
        if (v !== undefined) done(v);
      });
      const t = setTimeout(() => {
        l.dispose();
        reject(
          new Error(
            `timed out waiting for ${what}; tree: ${releases()
              .map((n) => `${label(n)} — ${description(n)}`)
              .join(' | ')}`,
          ),
        );
      }, ms);
      const now = probe();
      if (now !== undefined) done(now);
    });
  }

  it('lists every seeded release with its ready count, from the settings the harness seeded', async () => {
    assert.equal(vscode.workspace.getConfiguration('k8sSandbox').get('kubeconfig'), ctx.kubeconfig);
    services.sandboxes.start();
    for (const s of ctx.seeded) {
      const node = await whenTree(`release ${s.release}`, () => {
        const n = find(s.release);
        return n && description(n).includes(`${s.pods.length}/${s.pods.length} ready`) ? n : undefined;
      });
      assert.equal(provider.getTreeItem(node).contextValue, 'release');
      // Service rows are labelled by inspect/service, not by the pod name.
      assert.deepEqual(provider.getChildren(node).map(label).sort(), s.pods.map((p) => serviceOf(s.release, p)).sort());
    }
  });

  it('describes pods with QoS and runtime class only where they deviate (Burstable fixture 04, runc in fixture 03)', () => {
    const pods = (release: string) => provider.getChildren(find(release));
    for (const p of pods('compose-burst')) assert.match(description(p), /^Burstable$/, label(p));
    const runc = podNamed('oom-loop', 'oom-loop-runc-specified-0');
    assert.ok(runc, 'oom-loop-runc-specified-0 listed');
    assert.equal(label(runc), 'runc-specified');
    assert.match(description(runc), /^runc$/);
    assert.equal(provider.getTreeItem(runc).contextValue, 'pod');
  });

  it('shows an injected OOMKilled crash as a restart without a refresh', async () => {
    const release = ctx.seeded.find((s) => s.release === 'compose-burst');
    assert.ok(release);
    const pod = release.pods[0];
    await control({ op: 'crash', namespace: release.namespace, pod, reason: 'OOMKilled' });
    const text = await whenTree(`${pod} restart`, () => {
      const node = podNamed(release.release, pod);
      const d = node ? description(node) : '';
      return /^↻1 OOMKilled <1m/.test(d) ? d : undefined;
    });
    assert.match(text, /^↻1 OOMKilled <1m/);
  });
});
