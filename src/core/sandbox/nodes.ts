// Tree nodes handed to commands: plain data that names what a tree item stands for (no clients, no I/O).
// The shape is the contract with the commands and inspector features; extra fields are allowed.

export interface ReleaseNode {
  kind: 'release';
  namespace: string;
  release: string;
}

export interface PodNode {
  kind: 'pod';
  namespace: string;
  release: string;
  pod: string;
}

export interface ContainerNode {
  kind: 'container';
  namespace: string;
  release: string;
  pod: string;
  container: string;
}

/** Grouping level shown when releases from several namespaces are listed. */
export interface NamespaceNode {
  kind: 'namespace';
  namespace: string;
}

/** A task of inspect evals (releases with `inspectTaskName`), or releases installed otherwise, by chart. */
export interface TaskNode {
  kind: 'task';
  /** The task name; undefined for the "Installed here" group of a chart. */
  task?: string;
  chart?: string;
}

/** What a state item offers to do about it. */
export type MessageAction = 'retry' | 'selectContext' | 'selectNamespace' | 'installSandbox' | 'openSettings';

/** A state line (loading, empty, unreachable, forbidden, namespace fallback): a message and an action. */
export interface MessageNode {
  kind: 'message';
  id: string;
  severity: 'info' | 'warning' | 'error' | 'loading';
  message: string;
  detail?: string;
  action?: MessageAction;
}

export type SandboxNode = ReleaseNode | PodNode | ContainerNode;
export type TreeNode = SandboxNode | NamespaceNode | TaskNode | MessageNode;

/** A stable id per node, so the tree reuses node objects and refreshes only what changed. */
export function nodeId(n: TreeNode): string {
  switch (n.kind) {
    case 'namespace':
      return `ns/${n.namespace}`;
    case 'task':
      return n.task !== undefined ? `task/${n.task}` : `here/${n.chart ?? ''}`;
    case 'release':
      return `rel/${n.namespace}/${n.release}`;
    case 'pod':
      return `pod/${n.namespace}/${n.release}/${n.pod}`;
    case 'container':
      return `ctr/${n.namespace}/${n.release}/${n.pod}/${n.container}`;
    case 'message':
      return `msg/${n.id}`;
  }
}

export function isSandboxNode(v: unknown): v is SandboxNode {
  if (!v || typeof v !== 'object') return false;
  const n = v as Record<string, unknown>;
  const str = (k: string): boolean => typeof n[k] === 'string' && (n[k] as string).length > 0;
  if (!str('namespace') || !str('release')) return false;
  if (n.kind === 'release') return true;
  if (n.kind === 'pod') return str('pod');
  if (n.kind === 'container') return str('pod') && str('container');
  return false;
}
