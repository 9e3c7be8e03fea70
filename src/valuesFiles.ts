// Which values file each release was installed from (or was chosen for it). The path is local to this machine,
// so VS Code keeps it (global state, across workspaces), not the cluster.
import { existsSync } from 'node:fs';
import { Emitter, type Event } from './core/kube/emitter';

/** The part of vscode.Memento we use. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface ReleaseKey {
  /** Kubeconfig context: the same namespace/release on two clusters are two sandboxes. */
  context: string;
  namespace: string;
  release: string;
}

export class ValuesFileRecords {
  private readonly changes = new Emitter<void>();

  constructor(private readonly state: StateStore) {}

  /** Called after every change (the tree re-renders tooltips). */
  readonly onDidChange: Event<void> = this.changes.event;

  private key(r: ReleaseKey): string {
    return `k8sSandbox.valuesFile:${JSON.stringify([r.context, r.namespace, r.release])}`;
  }

  /** The recorded file, if it still exists. */
  get(r: ReleaseKey): string | undefined {
    const file = this.state.get<string>(this.key(r));
    return file && existsSync(file) ? file : undefined;
  }

  async set(r: ReleaseKey, file: string): Promise<void> {
    await this.state.update(this.key(r), file);
    this.changed();
  }

  async delete(r: ReleaseKey): Promise<void> {
    await this.state.update(this.key(r), undefined);
    this.changed();
  }

  private changed(): void {
    this.changes.fire();
  }
}
