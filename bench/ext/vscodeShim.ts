// A stand-in for the `vscode` module, so the extension's real activation path runs in a plain node process:
// working EventEmitter, TreeItem, settings and createTreeView (it captures the TreeDataProvider and reports the
// view visible, which starts the watches as a shown view does); every other API is an inert stub.
import { readFileSync } from 'node:fs';
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

class EventEmitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => void (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState = 0,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  constructor(readonly value = '') {}
}

/** Callable, constructible, every property another stub, writes ignored; no `then`, so never awaited as a promise. */
function stub(): unknown {
  const target = function () {} as unknown as Record<string | symbol, unknown>;
  return new Proxy(target, {
    get: (_t, k) => (k === 'then' || typeof k === 'symbol' ? undefined : k === 'prototype' ? {} : stub()),
    set: () => true,
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

export interface ShimCapture {
  provider?: {
    onDidChangeTreeData: (l: (e: unknown) => void) => unknown;
    getChildren(n?: unknown): unknown[];
    getTreeItem(n: unknown): TreeItem;
  };
}

/** Top-level names of the vscode API (a bundle's CommonJS interop copies only the module's own properties). */
export function vscodeNames(dts: string): string[] {
  const text = readFileSync(dts, 'utf8');
  return [
    ...new Set(
      [...text.matchAll(/^\s{1,4}export (?:declare )?(?:class|enum|namespace|function|const|let) (\w+)/gm)].map(
        (m) => m[1],
      ),
    ),
  ];
}

/**
 * Makes `require('vscode')` return the stand-in; settings come from `settings` (k8sSandbox.* keys); `names`:
 * the API's top-level names (every one present, so interop helpers see them).
 */
export function installVscodeShim(
  settings: Record<string, unknown>,
  names: readonly string[],
): { api: Record<string, unknown>; capture: ShimCapture } {
  const capture: ShimCapture = {};
  const known: Record<string, unknown> = {
    EventEmitter,
    Disposable,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    workspace: new Proxy(
      {
        getConfiguration: (section: string) => ({ get: (k: string, d?: unknown) => settings[`${section}.${k}`] ?? d }),
        onDidChangeConfiguration: () => new Disposable(() => undefined),
        textDocuments: [],
        workspaceFolders: undefined,
      } as Record<string | symbol, unknown>,
      { get: (t, k) => (k in t ? t[k] : stub()) },
    ),
    window: new Proxy(
      {
        createTreeView: (_id: string, o: { treeDataProvider: ShimCapture['provider'] }) => {
          capture.provider = o.treeDataProvider;
          return {
            visible: true,
            onDidChangeVisibility: () => new Disposable(() => undefined),
            dispose: () => undefined,
            description: undefined,
          };
        },
        visibleTextEditors: [],
        activeTextEditor: undefined,
      } as Record<string | symbol, unknown>,
      { get: (t, k) => (k in t ? t[k] : stub()) },
    ),
  };
  for (const n of names) if (!(n in known)) known[n] = stub();
  const api = new Proxy(known, {
    get: (t, k) => (k in t ? t[k as string] : typeof k === 'symbol' ? undefined : stub()),
  });
  const m = Module as unknown as { _resolveFilename(req: string, ...rest: unknown[]): string };
  const resolve = m._resolveFilename;
  m._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? 'vscode' : resolve.call(this, req, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api } as unknown as NodeJS.Module;
  return { api, capture };
}

/** The ExtensionContext activate() gets: subscriptions, empty mementos, paths in a scratch dir. */
export function fakeContext(dir: string): Record<string, unknown> {
  const memento = {
    get: (_k: string, d?: unknown) => d,
    update: () => Promise.resolve(),
    keys: () => [],
    setKeysForSync: () => undefined,
  };
  return new Proxy(
    {
      subscriptions: [] as unknown[],
      globalState: memento,
      workspaceState: memento,
      extensionPath: dir,
      globalStorageUri: { fsPath: dir },
      storageUri: { fsPath: dir },
      extensionUri: { fsPath: dir },
    } as Record<string | symbol, unknown>,
    { get: (t, k) => (k in t ? t[k] : stub()) },
  );
}
