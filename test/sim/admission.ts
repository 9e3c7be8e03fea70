// What the API server does to an object before storing it: defaulting (k8s.io/api defaults.go), RuntimeClass
// admission, namespace lifecycle, ClusterIP allocation, pod status on create.
import { createHash } from 'node:crypto';
import { computePodQos } from '../../src/core/kube/qos';
import { resources } from './resources';
import { ApiError, type KubeObject, type ResourceType, type Store } from './store';

/* eslint-disable @typescript-eslint/no-explicit-any -- defaulting walks loosely typed manifests */

const dflt = (o: any, key: string, value: unknown): void => {
  if (o[key] === undefined || o[key] === null) o[key] = value;
};

export class Admission {
  private nextIp = 1;

  constructor(private readonly store: Store) {}

  /** Namespaced creates need a live namespace (NamespaceLifecycle admission). */
  checkNamespace(type: ResourceType, ns: string | undefined, name: string): void {
    if (!type.namespaced || !ns) return;
    const nsObj = this.store.get(resources.namespaces, undefined, ns);
    if (!nsObj) throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    if (nsObj.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${type.resource}${type.group ? '.' + type.group : ''} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        {
          name,
          kind: type.resource,
          group: type.group,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${ns} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** Defaults and admission for a new object (mutates `obj`). */
  onCreate(type: ResourceType, obj: KubeObject): void {
    const o = obj as any;
    switch (type) {
      case resources.pods:
        this.pod(o);
        break;
      case resources.services:
        this.service(o);
        break;
      case resources.namespaces:
        o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
        o.status = { phase: 'Active' };
        o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
        break;
      case resources.persistentvolumeclaims:
        o.spec ??= {};
        dflt(o.spec, 'storageClassName', 'standard');
        dflt(o.spec, 'volumeMode', 'Filesystem');
        o.status = { phase: 'Pending' };
        break;
      case resources.secrets:
        dflt(o, 'type', 'Opaque');
        if (o.stringData) {
          o.data = { ...(o.data ?? {}) };
          for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString('base64');
          delete o.stringData;
        }
        break;
      default:
        break;
    }
    this.workload(type, o);
  }

  /** Defaults that also apply on update (a PUT/patch may drop defaulted fields). */
  onUpdate(type: ResourceType, obj: KubeObject, prev: KubeObject): void {
    const o = obj as any;
    const p = prev as any;
    if (type === resources.pods) {
      // Pod spec is immutable apart from a few fields; keep the server-set ones and the status.
      o.spec = { ...p.spec, ...(o.spec ?? {}), nodeName: o.spec?.nodeName ?? p.spec?.nodeName };
      o.status ??= p.status;
    } else if (type === resources.services) {
      o.spec ??= {};
      if (p.spec?.clusterIP) o.spec.clusterIP = o.spec.clusterIP || p.spec.clusterIP;
      this.service(o);
    } else if (type === resources.secrets && o.stringData) {
      this.onCreate(type, obj);
      return;
    } else if (type === resources.persistentvolumeclaims || type === resources.namespaces) {
      o.spec = { ...p.spec, ...(o.spec ?? {}) };
      o.status ??= p.status;
    }
    if (o.status === undefined && p.status !== undefined && type !== resources.secrets && type !== resources.configmaps)
      o.status = p.status;
    this.workload(type, o);
  }

  private pod(o: any): void {
    const spec = (o.spec ??= {});
    const rcName = spec.runtimeClassName;
    if (rcName) {
      const rc = this.store.get(resources.runtimeclasses, undefined, rcName) as any;
      if (!rc) {
        throw new ApiError(
          403,
          'Forbidden',
          `pods "${o.metadata.name || o.metadata.generateName || ''}" is forbidden: pod rejected: RuntimeClass "${rcName}" not found`,
          {
            name: o.metadata.name,
            kind: 'pods',
          },
        );
      }
      const sel = rc.scheduling?.nodeSelector;
      if (sel) {
        for (const [k, v] of Object.entries(sel)) {
          if (spec.nodeSelector?.[k] !== undefined && spec.nodeSelector[k] !== v) {
            throw new ApiError(
              403,
              'Forbidden',
              `pods "${o.metadata.name}" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${String(v)}; pod.spec.nodeSelector[${k}] = ${spec.nodeSelector[k]}`,
            );
          }
        }
        spec.nodeSelector = { ...(spec.nodeSelector ?? {}), ...sel };
      }
      if (rc.overhead?.podFixed) dflt(spec, 'overhead', rc.overhead.podFixed);
    }
    podSpecDefaults(spec);
    let qosClass: string;
    try {
      qosClass = computePodQos(spec);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `Pod in version "v1" cannot be handled as a Pod: ${(e as Error).message}`);
    }
    o.status = { phase: 'Pending', qosClass };
  }

  private service(o: any): void {
    const spec = (o.spec ??= {});
    dflt(spec, 'type', 'ClusterIP');
    dflt(spec, 'sessionAffinity', 'None');
    if (spec.type !== 'ExternalName') {
      if (!spec.clusterIP) spec.clusterIP = this.allocateIp();
      spec.clusterIPs = [spec.clusterIP];
      dflt(spec, 'ipFamilies', ['IPv4']);
      dflt(spec, 'ipFamilyPolicy', 'SingleStack');
      dflt(spec, 'internalTrafficPolicy', 'Cluster');
    }
    for (const p of spec.ports ?? []) {
      dflt(p, 'protocol', 'TCP');
      dflt(p, 'targetPort', p.port);
    }
    o.status ??= { loadBalancer: {} };
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `10.96.${(n >> 8) & 0xff}.${n & 0xff || 1}`;
  }

  private workload(type: ResourceType, o: any): void {
    const tmplSpec = o.spec?.template?.spec;
    if (type === resources.deployments) {
      dflt(o.spec, 'replicas', 1);
      dflt(o.spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      dflt(o.spec, 'revisionHistoryLimit', 10);
      dflt(o.spec, 'progressDeadlineSeconds', 600);
    } else if (type === resources.statefulsets) {
      dflt(o.spec, 'replicas', 1);
      dflt(o.spec, 'podManagementPolicy', 'OrderedReady');
      dflt(o.spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      if (o.spec.updateStrategy.type === 'RollingUpdate') o.spec.updateStrategy.rollingUpdate ??= { partition: 0 };
      dflt(o.spec, 'revisionHistoryLimit', 10);
      dflt(o.spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    } else if (type === resources.replicasets) {
      dflt(o.spec, 'replicas', 1);
    } else if (type === resources.daemonsets) {
      dflt(o.spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      dflt(o.spec, 'revisionHistoryLimit', 10);
    } else return;
    if (tmplSpec) podSpecDefaults(tmplSpec);
  }
}

/** SetDefaults_PodSpec / SetDefaults_Pod / SetDefaults_Container. */
export function podSpecDefaults(spec: any): void {
  dflt(spec, 'restartPolicy', 'Always');
  dflt(spec, 'dnsPolicy', 'ClusterFirst');
  dflt(spec, 'schedulerName', 'default-scheduler');
  dflt(spec, 'securityContext', {});
  dflt(spec, 'terminationGracePeriodSeconds', 30);
  dflt(spec, 'enableServiceLinks', true);
  dflt(spec, 'serviceAccountName', spec.serviceAccount ?? 'default');
  dflt(spec, 'serviceAccount', spec.serviceAccountName);
  dflt(spec, 'priority', 0);
  dflt(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    dflt(c, 'terminationMessagePath', '/dev/termination-log');
    dflt(c, 'terminationMessagePolicy', 'File');
    const image = String(c.image ?? '');
    const tagged = /:[^/]+$/.test(image) || image.includes('@');
    dflt(c, 'imagePullPolicy', !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent');
    c.resources ??= {};
    if (c.resources.limits) {
      c.resources.requests ??= {};
      for (const [k, v] of Object.entries(c.resources.limits)) dflt(c.resources.requests, k, v);
    }
    for (const p of c.ports ?? []) dflt(p, 'protocol', 'TCP');
  }
}

/** Stable short hash of a pod template (controller-revision-hash / pod-template-hash). */
export function templateHash(template: unknown): string {
  const h = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[h[i] % alphabet.length];
  return out;
}
