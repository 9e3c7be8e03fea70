// What an inspector panel is for (a release) and what it needs from the extension's services.
import type { ClusterAccess } from '../../core/kube/clusterAccess';
import type { ReleaseVM } from '../../core/sandbox/viewModels';
import type { Log } from '../../platform/log';
import type { ValuesFileRecords } from '../../valuesFiles';

export const INSPECTOR_VIEW_TYPE = 'k8sSandbox.inspector';

export interface InspectorServices {
  cluster: ClusterAccess;
  log: Log;
  valuesFiles: ValuesFileRecords;
  /** The Sandboxes view-models (chart); optional so the panel works without the tree. */
  sandboxes?: { readonly releases: readonly ReleaseVM[] };
}

export interface ReleaseTarget {
  namespace: string;
  release: string;
}
