// meta.k8s.io/v1 Table responses for `kubectl get` (columns as kubernetes pkg/printers prints them).
import { resources } from '../resources';
import type { KubeObject, ResourceType } from '../store';

/* eslint-disable @typescript-eslint/no-explicit-any -- printers read loosely typed objects */

type Col = { name: string; type: string; format?: string; description?: string; priority?: number };
type Printer = { columns: Col[]; cells: (o: any, now: number) => unknown[] };

/** apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

const age = (o: any, now: number): string =>
  o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>';
const nameCol: Col = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
};
const ageCol: Col = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};
const str = (name: string, priority = 0): Col => ({ name, type: 'string', description: name, priority });
const int = (name: string): Col => ({ name, type: 'integer', description: name });

/** printPod: READY, STATUS (with waiting/terminated reasons, Init:, Terminating), RESTARTS with "(Xm ago)". */
function podCells(p: any, now: number): unknown[] {
  const spec = p.spec ?? {};
  const st = p.status ?? {};
  const total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let reason: string = st.reason || st.phase || '';
  let initializing = false;
  const initStatuses: any[] = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    const t = c.lastState?.terminated?.finishedAt;
    if (t) lastRestart = Math.max(lastRestart, Date.parse(t));
    if (c.state?.terminated?.exitCode === 0) continue;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : c.state.terminated.signal
          ? `Init:Signal:${c.state.terminated.signal}`
          : `Init:ExitCode:${c.state.terminated.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs: any[] = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      const t = c.lastState?.terminated?.finishedAt;
      if (t) lastRestart = Math.max(lastRestart, Date.parse(t));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (st.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (p.metadata?.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (p.metadata?.deletionTimestamp && st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  const restartsStr = lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const ip = st.podIPs?.[0]?.ip ?? st.podIP ?? '<none>';
  const gates = spec.readinessGates?.length ? `0/${spec.readinessGates.length}` : '<none>';
  return [
    p.metadata.name,
    `${ready}/${total}`,
    reason,
    restartsStr,
    age(p, now),
    ip,
    spec.nodeName || '<none>',
    st.nominatedNodeName || '<none>',
    gates,
  ];
}

const containersImages = (tmpl: any): [string, string] => {
  const cs = tmpl?.spec?.containers ?? [];
  return [cs.map((c: any) => c.name).join(','), cs.map((c: any) => c.image).join(',')];
};

const printers = new Map<ResourceType, Printer>([
  [
    resources.pods,
    {
      columns: [
        nameCol,
        str('Ready'),
        str('Status'),
        str('Restarts'),
        ageCol,
        str('IP', 1),
        str('Node', 1),
        str('Nominated Node', 1),
        str('Readiness Gates', 1),
      ],
      cells: podCells,
    },
  ],
  [
    resources.namespaces,
    { columns: [nameCol, str('Status'), ageCol], cells: (o, n) => [o.metadata.name, o.status?.phase ?? '', age(o, n)] },
  ],
  [
    resources.nodes,
    {
      columns: [nameCol, str('Status'), str('Roles'), ageCol, str('Version'), str('Internal-IP', 1)],
      cells: (o, n) => {
        const ready = (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
        let status = ready?.status === 'True' ? 'Ready' : 'NotReady';
        if (o.spec?.unschedulable) status += ',SchedulingDisabled';
        const ip = (o.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '<none>';
        return [o.metadata.name, status, '<none>', age(o, n), o.status?.nodeInfo?.kubeletVersion ?? '', ip];
      },
    },
  ],
  [
    resources.services,
    {
      columns: [
        nameCol,
        str('Type'),
        str('Cluster-IP'),
        str('External-IP'),
        str('Port(s)'),
        ageCol,
        str('Selector', 1),
      ],
      cells: (o, n) => {
        const s = o.spec ?? {};
        const ports =
          (s.ports ?? [])
            .map((p: any) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`)
            .join(',') || '<none>';
        const ext =
          s.type === 'ExternalName'
            ? s.externalName
            : (s.externalIPs ?? []).join(',') || (s.type === 'LoadBalancer' ? '<pending>' : '<none>');
        const sel =
          Object.entries(s.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || '<none>';
        return [o.metadata.name, s.type, s.clusterIP || '<none>', ext, ports, age(o, n), sel];
      },
    },
  ],
  [
    resources.statefulsets,
    {
      columns: [nameCol, str('Ready'), ageCol, str('Containers', 1), str('Images', 1)],
      cells: (o, n) => [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
        age(o, n),
        ...containersImages(o.spec?.template),
      ],
    },
  ],
  [
    resources.deployments,
    {
      columns: [
        nameCol,
        str('Ready'),
        int('Up-to-date'),
        int('Available'),
        ageCol,
        str('Containers', 1),
        str('Images', 1),
      ],
      cells: (o, n) => [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
        o.status?.updatedReplicas ?? 0,
        o.status?.availableReplicas ?? 0,
        age(o, n),
        ...containersImages(o.spec?.template),
      ],
    },
  ],
  [
    resources.replicasets,
    {
      columns: [nameCol, int('Desired'), int('Current'), int('Ready'), ageCol, str('Containers', 1), str('Images', 1)],
      cells: (o, n) => [
        o.metadata.name,
        o.spec?.replicas ?? 1,
        o.status?.replicas ?? 0,
        o.status?.readyReplicas ?? 0,
        age(o, n),
        ...containersImages(o.spec?.template),
      ],
    },
  ],
  [
    resources.daemonsets,
    {
      columns: [
        nameCol,
        int('Desired'),
        int('Current'),
        int('Ready'),
        int('Up-to-date'),
        int('Available'),
        str('Node Selector'),
        ageCol,
      ],
      cells: (o, n) => {
        const s = o.status ?? {};
        const sel =
          Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || '<none>';
        return [
          o.metadata.name,
          s.desiredNumberScheduled ?? 0,
          s.currentNumberScheduled ?? 0,
          s.numberReady ?? 0,
          s.updatedNumberScheduled ?? 0,
          s.numberAvailable ?? 0,
          sel,
          age(o, n),
        ];
      },
    },
  ],
  [
    resources.persistentvolumeclaims,
    {
      columns: [
        nameCol,
        str('Status'),
        str('Volume'),
        str('Capacity'),
        str('Access Modes'),
        str('StorageClass'),
        str('VolumeAttributesClass'),
        ageCol,
      ],
      cells: (o, n) => {
        const modes = (o.status?.accessModes ?? [])
          .map(
            (m: string) =>
              ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m,
          )
          .join(',');
        return [
          o.metadata.name,
          o.status?.phase ?? '',
          o.spec?.volumeName ?? '',
          o.status?.capacity?.storage ?? '',
          modes,
          o.spec?.storageClassName ?? '',
          '<unset>',
          age(o, n),
        ];
      },
    },
  ],
  [
    resources.configmaps,
    {
      columns: [nameCol, int('Data'), ageCol],
      cells: (o, n) => [
        o.metadata.name,
        Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
        age(o, n),
      ],
    },
  ],
  [
    resources.secrets,
    {
      columns: [nameCol, str('Type'), int('Data'), ageCol],
      cells: (o, n) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o, n)],
    },
  ],
  [
    resources.serviceaccounts,
    {
      columns: [nameCol, int('Secrets'), ageCol],
      cells: (o, n) => [o.metadata.name, (o.secrets ?? []).length, age(o, n)],
    },
  ],
  [
    resources.runtimeclasses,
    { columns: [nameCol, str('Handler'), ageCol], cells: (o, n) => [o.metadata.name, o.handler ?? '', age(o, n)] },
  ],
  [
    resources.events,
    {
      columns: [str('Last Seen'), str('Type'), str('Reason'), str('Object'), str('Message')],
      cells: (o, n) => {
        const last = o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
        const io = o.involvedObject ?? {};
        return [
          humanDuration(n - Date.parse(last)),
          o.type ?? '',
          o.reason ?? '',
          `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
          o.message ?? '',
        ];
      },
    },
  ],
]);

const generic: Printer = { columns: [nameCol, ageCol], cells: (o, n) => [o.metadata.name, age(o, n)] };

/** True when the Accept header asks for a meta.k8s.io Table. */
export const wantsTable = (accept: string | undefined): boolean =>
  !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);

export function toTable(
  type: ResourceType,
  objects: readonly KubeObject[],
  meta: Record<string, unknown>,
  includeObject: string | null,
): unknown {
  const p = printers.get(type) ?? generic;
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: p.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: p.cells(o, now),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? null
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
