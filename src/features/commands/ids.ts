// Ids and titles of this feature's commands (VS Code-free, so tests can check them against package.json).
export const commandTitles = {
  'k8sSandbox.installSandbox': 'Install Sandbox',
  'k8sSandbox.tearDown': 'Tear Down',
  'k8sSandbox.tearDownAllMine': 'Tear Down All Mine',
  'k8sSandbox.openTerminal': 'Open Terminal',
  'k8sSandbox.openTerminalAsUser': 'Open Terminal as User…',
  'k8sSandbox.runCommand': 'Run Command…',
  'k8sSandbox.debugEphemeral': 'Debug with Ephemeral Container',
  'k8sSandbox.showLogs': 'Show Logs',
  'k8sSandbox.copyPodName': 'Copy Pod Name',
  'k8sSandbox.forceDeletePod': 'Force Delete Pod',
} as const;

export type CommandId = keyof typeof commandTitles;
export const commandIds = Object.keys(commandTitles) as CommandId[];
