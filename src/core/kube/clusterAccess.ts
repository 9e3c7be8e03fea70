// The current cluster: which kubeconfig, context and namespace we use, and who the server says "I" am. One instance is shared
// by the tree, the commands and the inspector; a change (settings, Select Context/Namespace, reload) fires once.
import type { KubeConfig } from '@kubernetes/client-node';
import { Emitter, type Event } from './emitter';
import { KubeconfigError } from './errors';
import { whoAmI, type WhoAmI } from './identity';
import {
  readKubeconfig,
  resolveContext,
  type KubeconfigSource,
  type LoadedKubeconfig,
  type ResolvedContext,
} from './kubeconfig';

export type ClusterSnapshot = ResolvedContext;

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
  /** SelfSubjectReview answers per context (kubeconfig files + context name); cleared on reload. */
  private readonly identities = new Map<string, Promise<WhoAmI>>();
  private lastWhoAmI: WhoAmI | undefined;
  private readonly changed = new Emitter<ClusterAccess>();
  /** Fires after every (re)load or selection change, with this object. */
  readonly onDidChange: Event<ClusterAccess> = this.changed.event;
  private readonly identityChanged = new Emitter<WhoAmI>();
  /** Fires when the server's answer to "who am I" arrives for the current context (not a context change). */
  readonly onDidChangeIdentity: Event<WhoAmI> = this.identityChanged.event;

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

  /**
   * Who the API server says the current context's user is (cached per context; a failed request is not
   * cached). Fires onDidChangeIdentity when a new answer arrives, so the status bar and tree can show it.
   */
  whoAmI(): Promise<WhoAmI> {
    const snap = this.require();
    const key = `${snap.paths.join('\0')}\0${snap.context}`;
    let p = this.identities.get(key);
    if (!p) {
      p = whoAmI(snap.kubeConfig);
      this.identities.set(key, p);
      p.then(
        (w) => {
          if (this.snapshot !== snap) return;
          this.lastWhoAmI = w;
          this.identityChanged.fire(w);
        },
        () => this.identities.delete(key),
      );
    }
    return p;
  }

  /** The last answer of whoAmI() for the current context (undefined until one arrives). */
  get knownIdentity(): WhoAmI | undefined {
    return this.lastWhoAmI;
  }

  /** Context names from the kubeconfig (empty when it could not be read). */
  contexts(): string[] {
    return this.loaded ? this.loaded.merged.contexts.map((c) => c.name) : [];
  }

  /** Re-reads the kubeconfig files and settings (keeps the selected context/namespace when still valid). */
  reload(): void {
    this.identities.clear();
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
    this.identityChanged.dispose();
  }

  private load(): void {
    const src = this.opts.source();
    this.snapshot = undefined;
    this.failure = undefined;
    this.lastWhoAmI = undefined;
    try {
      this.loaded = undefined;
      this.loaded = readKubeconfig(src);
      const resolved = resolveContext(this.loaded, {
        context: this.selectedContext,
        namespace: this.selectedNamespace || src.namespace?.trim() || undefined,
      });
      this.snapshot = resolved;
    } catch (e) {
      if (!KubeconfigError.is(e)) throw e;
      this.failure = e;
    }
  }
}
