// The current cluster: which kubeconfig, context and namespace we use, and who "I" am. One instance is shared
// by the tree, the commands and the inspector; a change (settings, Select Context/Namespace, reload) fires once.
import type { KubeConfig } from '@kubernetes/client-node';
import { Emitter, type Event } from './emitter';
import { KubeconfigError } from './errors';
import { identityOf } from './identity';
import { readKubeconfig, resolveContext, type KubeconfigSource, type LoadedKubeconfig, type ResolvedContext } from './kubeconfig';

export interface ClusterSnapshot extends ResolvedContext {
  /** Label-safe creator identity for "mine" (from the kubeconfig user name). */
  identity: string;
}

export interface ClusterAccessOptions {
  /** Read on every (re)load, so setting changes apply on reload(). */
  source: () => KubeconfigSource & { namespace?: string };
}

export class ClusterAccess {
  private loaded: LoadedKubeconfig | undefined;
  private snapshot: ClusterSnapshot | undefined;
  private failure: KubeconfigError | undefined;
  private selectedContext: string | undefined;
  private selectedNamespace: string | undefined;
  private readonly changed = new Emitter<ClusterAccess>();
  /** Fires after every (re)load or selection change, with this object. */
  readonly onDidChange: Event<ClusterAccess> = this.changed.event;

  constructor(private readonly opts: ClusterAccessOptions) {
    this.load();
  }

  /** The current context, or undefined when the kubeconfig is unusable (see `error`). */
  get current(): ClusterSnapshot | undefined {
    return this.snapshot;
  }

  /** Why there is no current context. */
  get error(): KubeconfigError | undefined {
    return this.failure;
  }

  /** The current context, or throws the KubeconfigError (for command handlers behind the error gate). */
  require(): ClusterSnapshot {
    if (this.snapshot) return this.snapshot;
    throw this.failure ?? new KubeconfigError('noContext', 'No kubeconfig loaded.', []);
  }

  get kubeConfig(): KubeConfig {
    return this.require().kubeConfig;
  }

  /** Context names from the kubeconfig (empty when it could not be read). */
  contexts(): string[] {
    return this.loaded ? this.loaded.merged.contexts.map((c) => c.name) : [];
  }

  /** Re-reads the kubeconfig files and settings (keeps the selected context/namespace when still valid). */
  reload(): void {
    this.load();
    this.changed.fire(this);
  }

  /** Use another context for this session (the kubeconfig file is not modified). */
  useContext(name: string): void {
    this.selectedContext = name;
    this.selectedNamespace = undefined;
    this.load();
    this.changed.fire(this);
  }

  /** Use another namespace (undefined: back to the setting / context default). */
  useNamespace(namespace: string | undefined): void {
    this.selectedNamespace = namespace || undefined;
    this.load();
    this.changed.fire(this);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private load(): void {
    const src = this.opts.source();
    this.snapshot = undefined;
    this.failure = undefined;
    try {
      this.loaded = undefined;
      this.loaded = readKubeconfig(src);
      const resolved = resolveContext(this.loaded, {
        context: this.selectedContext,
        namespace: this.selectedNamespace || src.namespace?.trim() || undefined,
      });
      this.snapshot = { ...resolved, identity: identityOf(resolved) };
    } catch (e) {
      if (!KubeconfigError.is(e)) throw e;
      this.failure = e;
    }
  }
}
