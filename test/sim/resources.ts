// The resource table of the simulated API server: what discovery lists, what the router serves, what the
// controllers and the kubelet look types up by.
import type { ResourceType } from './store';

export interface SimResourceType extends ResourceType {
  /** Subresources served under this resource (`exec`, `log`, `status`, ...). */
  subresources?: string[];
  categories?: string[];
  /** Verbs beyond the defaults (e.g. only `create` for review kinds). */
  verbs?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const t = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<SimResourceType> = {},
): SimResourceType => ({ group, version, resource, kind, singular: kind.toLowerCase(), namespaced, ...extra });

const all = ['all'];

const table = {
  namespaces: t('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
  }),
  nodes: t('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
  pods: t('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: all,
    subresources: ['status', 'exec', 'attach', 'log', 'ephemeralcontainers', 'eviction', 'binding', 'portforward'],
  }),
  services: t('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    categories: all,
    subresources: ['status'],
  }),
  endpoints: t('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  secrets: t('', 'v1', 'secrets', 'Secret', true),
  configmaps: t('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  serviceaccounts: t('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  persistentvolumeclaims: t('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  persistentvolumes: t('', 'v1', 'persistentvolumes', 'PersistentVolume', false, {
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  events: t('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  limitranges: t('', 'v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  resourcequotas: t('', 'v1', 'resourcequotas', 'ResourceQuota', true, {
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  replicationcontrollers: t('', 'v1', 'replicationcontrollers', 'ReplicationController', true, {
    shortNames: ['rc'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  statefulsets: t('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  deployments: t('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  replicasets: t('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  daemonsets: t('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: all,
    subresources: ['status'],
  }),
  controllerrevisions: t('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  jobs: t('batch', 'v1', 'jobs', 'Job', true, { categories: all, subresources: ['status'] }),
  cronjobs: t('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    categories: all,
    subresources: ['status'],
  }),
  runtimeclasses: t('node.k8s.io', 'v1', 'runtimeclasses', 'RuntimeClass', false),
  networkpolicies: t('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  ingresses: t('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  storageclasses: t('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
  poddisruptionbudgets: t('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  roles: t('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  rolebindings: t('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  clusterroles: t('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  clusterrolebindings: t('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  leases: t('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  selfsubjectreviews: t('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', false, {
    verbs: ['create'],
  }),
  selfsubjectaccessreviews: t(
    'authorization.k8s.io',
    'v1',
    'selfsubjectaccessreviews',
    'SelfSubjectAccessReview',
    false,
    { verbs: ['create'] },
  ),
  selfsubjectrulesreviews: t('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, {
    verbs: ['create'],
  }),
  customresourcedefinitions: t(
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    false,
    { shortNames: ['crd', 'crds'], subresources: ['status'] },
  ),
  ciliumnetworkpolicies: t('cilium.io', 'v2', 'ciliumnetworkpolicies', 'CiliumNetworkPolicy', true, {
    shortNames: ['cnp', 'ciliumnp'],
    subresources: ['status'],
  }),
  ciliumclusterwidenetworkpolicies: t(
    'cilium.io',
    'v2',
    'ciliumclusterwidenetworkpolicies',
    'CiliumClusterwideNetworkPolicy',
    false,
    { shortNames: ['ccnp'], subresources: ['status'] },
  ),
  ciliumendpoints: t('cilium.io', 'v2', 'ciliumendpoints', 'CiliumEndpoint', true, { shortNames: ['cep', 'ciliumep'] }),
} satisfies Record<string, SimResourceType>;

export type ResourceName = keyof typeof table;

const byGr = new Map<string, SimResourceType>();
const byGvk = new Map<string, SimResourceType>();
for (const r of Object.values(table)) {
  byGr.set(`${r.group}/${r.resource}`, r);
  byGvk.set(`${apiVersionOf(r)}/${r.kind}`, r);
}

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function verbsOf(r: SimResourceType): string[] {
  return r.verbs ?? ALL_VERBS;
}

/** Group versions in discovery order (core first, then groups). */
export function groupVersions(): Array<{ group: string; version: string; resources: SimResourceType[] }> {
  const out = new Map<string, { group: string; version: string; resources: SimResourceType[] }>();
  for (const r of Object.values(table)) {
    const k = `${r.group}/${r.version}`;
    if (!out.has(k)) out.set(k, { group: r.group, version: r.version, resources: [] });
    out.get(k)!.resources.push(r);
  }
  return [...out.values()];
}

export const resources = {
  ...table,
  all: (): SimResourceType[] => Object.values(table),
  /** `byResource('', 'pods')`, `byResource('apps', 'statefulsets')`. */
  byResource: (group: string, resource: string): SimResourceType | undefined => byGr.get(`${group}/${resource}`),
  /** `byKind('v1', 'Pod')`, `byKind('apps/v1', 'StatefulSet')`. */
  byKind: (apiVersion: string, kind: string): SimResourceType | undefined => byGvk.get(`${apiVersion}/${kind}`),
};

export type SimResources = typeof resources;
