// The objects a fresh cluster has: system namespaces, nodes, RuntimeClasses, a default StorageClass, the Cilium
// agent DaemonSet and the hubble-relay Deployment + Service in the Cilium namespace (kube-system unless told).
import { resources } from '../resources';
import type { Admission } from '../admission';
import type { Store } from '../store';

export interface RuntimeClassSpec {
  name: string;
  handler: string;
  nodeSelector?: Record<string, string>;
}

export const CILIUM_IMAGE = 'quay.io/cilium/cilium:v1.18.3';

export const RELAY_IMAGE = 'quay.io/cilium/hubble-relay:v1.18.3';

export function seedCluster(
  store: Store,
  admission: Admission,
  opts: {
    nodes: string[];
    runtimeClasses: RuntimeClassSpec[];
    nodeLabels?: Record<string, Record<string, string>>;
    ciliumNamespace?: string;
  },
): void {
  const cns = opts.ciliumNamespace ?? 'kube-system';
  for (const ns of new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', cns])) {
    const o = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    admission.onCreate(resources.namespaces, o);
    store.create(resources.namespaces, o);
  }
  opts.nodes.forEach((name, i) => {
    store.create(resources.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': 'amd64',
          ...(opts.nodeLabels?.[name] ?? {}),
        },
      },
      spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
      status: nodeStatus(name, i),
    });
  });
  for (const rc of opts.runtimeClasses) {
    store.create(resources.runtimeclasses, {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: rc.name },
      handler: rc.handler,
      ...(rc.nodeSelector ? { scheduling: { nodeSelector: rc.nodeSelector } } : {}),
    });
  }
  store.create(resources.storageclasses, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  });
  store.create(resources.serviceaccounts, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'cilium', namespace: cns },
  });
  const ds = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'cilium',
      namespace: cns,
      labels: { 'k8s-app': 'cilium', 'app.kubernetes.io/name': 'cilium-agent', 'app.kubernetes.io/part-of': 'cilium' },
    },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'cilium' } },
      template: {
        metadata: {
          labels: {
            'k8s-app': 'cilium',
            'app.kubernetes.io/name': 'cilium-agent',
            'app.kubernetes.io/part-of': 'cilium',
          },
        },
        spec: {
          serviceAccountName: 'cilium',
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'cilium-agent',
              image: CILIUM_IMAGE,
              command: ['cilium-agent'],
              args: ['--config-dir=/tmp/cilium/config-map'],
              resources: { requests: { cpu: '100m', memory: '10Mi' } },
            },
          ],
        },
      },
    },
  };
  admission.onCreate(resources.daemonsets, ds);
  store.create(resources.daemonsets, ds);
  seedRelay(store, admission, cns);
}

/** hubble-relay as Cilium's chart installs it: Service port 80 → pod port 4245 (`grpc`), pods `k8s-app=hubble-relay`. */
function seedRelay(store: Store, admission: Admission, ns: string): void {
  const labels = {
    'k8s-app': 'hubble-relay',
    'app.kubernetes.io/name': 'hubble-relay',
    'app.kubernetes.io/part-of': 'cilium',
  };
  store.create(resources.serviceaccounts, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'hubble-relay', namespace: ns },
  });
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hubble-relay', namespace: ns, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'k8s-app': 'hubble-relay' } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'hubble-relay',
          containers: [
            {
              name: 'hubble-relay',
              image: RELAY_IMAGE,
              command: ['hubble-relay'],
              args: ['serve'],
              ports: [{ name: 'grpc', containerPort: 4245, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
  admission.onCreate(resources.deployments, dep);
  store.create(resources.deployments, dep);
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hubble-relay', namespace: ns, labels },
    spec: {
      type: 'ClusterIP',
      selector: { 'k8s-app': 'hubble-relay' },
      ports: [{ name: 'grpc', port: 80, protocol: 'TCP', targetPort: 'grpc' }],
    },
  };
  admission.onCreate(resources.services, svc);
  store.create(resources.services, svc);
}

function nodeStatus(name: string, i: number): unknown {
  const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string, status: string, reason: string, message: string): unknown => ({
    type,
    status,
    lastHeartbeatTime: t,
    lastTransitionTime: t,
    reason,
    message,
  });
  const capacity = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '0' };
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: `172.18.0.${i + 2}` },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '6.8.0-sim',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://2.1.3',
      kubeletVersion: 'v1.34.1',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}
