// The services object the composition root builds once and hands to every feature.
import * as vscode from 'vscode';
import { ClusterAccess } from './core/kube/clusterAccess';
import { WatchHub } from './core/kube/watchHub';
import { ReleaseRecords } from './core/sandbox/releaseRecords';
import { watchSpecs } from './core/sandbox/watchSpecs';
import { SandboxModel } from './core/sandbox/liveModel';
import type { Log } from './platform/log';
import { settings } from './platform/settings';
import { ValuesFileRecords, type StateStore } from './valuesFiles';

export interface Services {
  /** Kubeconfig, context, namespace, identity; fires on change. */
  cluster: ClusterAccess;
  /** The one owner of the Sandboxes view's watches (shared informer caches). */
  watches: WatchHub;
  /** Sandboxes view-models built from those caches. */
  sandboxes: SandboxModel;
  /** The values file each release was installed from (local paths, kept by VS Code). */
  valuesFiles: ValuesFileRecords;
  log: Log;
}

/** Builds the cluster services from the k8sSandbox.* settings; re-reads the kubeconfig when they change. */
export function createServices(log: Log, state: StateStore): Services & vscode.Disposable {
  const cluster = new ClusterAccess({
    source: () => ({ setting: settings.kubeconfig(), namespace: settings.namespace() }),
  });
  const watches = new WatchHub({ specs: watchSpecs, access: cluster, log: (m) => log.info(m) });
  const records = new ReleaseRecords(() => cluster.current?.kubeConfig);
  const sandboxes = new SandboxModel({ hub: watches, records });
  const onContext = cluster.onDidChange(() => records.clear());
  const onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
    if (settings.affects(e, 'kubeconfig', 'namespace')) cluster.reload();
  });
  const onCluster = cluster.onDidChange(() => {
    const cur = cluster.current;
    if (cur)
      log.info(`Cluster: context ${cur.context}, namespace ${cur.namespace} (kubeconfig ${cur.paths.join(', ')})`);
    else log.warn(cluster.error?.message ?? 'No usable kubeconfig');
  });
  if (cluster.error) log.warn(cluster.error.message);
  return {
    cluster,
    watches,
    sandboxes,
    valuesFiles: new ValuesFileRecords(state),
    log,
    dispose() {
      onConfig.dispose();
      onCluster.dispose();
      sandboxes.dispose();
      onContext.dispose();
      records.dispose();
      watches.dispose();
      cluster.dispose();
    },
  };
}
