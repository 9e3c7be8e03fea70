// Ids and titles of the cluster commands (VS Code-free, so tests can check them against package.json).
export const clusterCommandTitles = {
  'k8sSandbox.refresh': 'Refresh',
  'k8sSandbox.retry': 'Retry Connection',
  'k8sSandbox.selectContext': 'Select Context',
  'k8sSandbox.selectNamespace': 'Select Namespace',
} as const;

export type ClusterCommandId = keyof typeof clusterCommandTitles;
export const clusterCommandIds = Object.keys(clusterCommandTitles) as ClusterCommandId[];
