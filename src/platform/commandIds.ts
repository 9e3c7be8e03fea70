// The one table of the extension's command ids and titles (they match package.json contributes.commands).
// VS Code-free, so tests check it against package.json; each feature registers its own slice.
const table = {
  'k8sSandbox.installSandbox': { title: 'Install Sandbox', feature: 'commands' },
  'k8sSandbox.tearDown': { title: 'Tear Down', feature: 'commands' },
  'k8sSandbox.tearDownAllMine': { title: 'Tear Down All Mine', feature: 'commands' },
  'k8sSandbox.openTerminal': { title: 'Open Terminal', feature: 'commands' },
  'k8sSandbox.openTerminalAsUser': { title: 'Open Terminal as User…', feature: 'commands' },
  'k8sSandbox.runCommand': { title: 'Run Command…', feature: 'commands' },
  'k8sSandbox.debugEphemeral': { title: 'Debug with Ephemeral Container', feature: 'commands' },
  'k8sSandbox.showLogs': { title: 'Show Logs', feature: 'commands' },
  'k8sSandbox.copyPodName': { title: 'Copy Pod Name', feature: 'commands' },
  'k8sSandbox.forceDeletePod': { title: 'Force Delete Pod', feature: 'commands' },
  'k8sSandbox.refresh': { title: 'Refresh', feature: 'cluster' },
  'k8sSandbox.retry': { title: 'Retry Connection', feature: 'cluster' },
  'k8sSandbox.selectContext': { title: 'Select Context', feature: 'cluster' },
  'k8sSandbox.selectNamespace': { title: 'Select Namespace', feature: 'cluster' },
  'k8sSandbox.openInspector': { title: 'Open Sandbox Inspector', feature: 'inspector' },
} as const;

type Table = typeof table;
export type AnyCommandId = keyof Table;
type IdsOf<F extends string> = { [K in AnyCommandId]: Table[K]['feature'] extends F ? K : never }[AnyCommandId];

function titlesOf<F extends string>(feature: F): { readonly [K in IdsOf<F>]: string } {
  const out: Record<string, string> = {};
  for (const [id, c] of Object.entries(table)) if (c.feature === feature) out[id] = c.title;
  return out as { readonly [K in IdsOf<F>]: string };
}

export const commandTitles = titlesOf('commands');
export type CommandId = IdsOf<'commands'>;
export const commandIds = Object.keys(commandTitles) as CommandId[];

export const clusterCommandTitles = titlesOf('cluster');
export type ClusterCommandId = IdsOf<'cluster'>;
export const clusterCommandIds = Object.keys(clusterCommandTitles) as ClusterCommandId[];

/** Ids for code that runs or links a command (tree items, status bar, error actions). */
export const COMMAND = {
  installSandbox: 'k8sSandbox.installSandbox',
  openTerminal: 'k8sSandbox.openTerminal',
  retry: 'k8sSandbox.retry',
  selectContext: 'k8sSandbox.selectContext',
  selectNamespace: 'k8sSandbox.selectNamespace',
  openInspector: 'k8sSandbox.openInspector',
} as const satisfies Record<string, AnyCommandId>;

/** A command's title as package.json has it. */
export function commandTitle(id: AnyCommandId): string {
  return table[id].title;
}
