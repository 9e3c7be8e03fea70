// What the sandbox runtimes (Kata VMs, gVisor's user-space kernel) cannot give an image that expects it.
import type { Pair, YAMLMap } from 'yaml';
import { rangeOf, type ValuesDoc } from '../document';
import { defineServiceRule, type RuleContext, q } from '../rule';

/** The chart's default runtime when a service sets none. */
export const defaultRuntimeClass = 'gvisor';

export function runtimeOf(vd: ValuesDoc, svc: YAMLMap): string {
  const v = vd.scalar(vd.value(svc, 'runtimeClassName'));
  return typeof v === 'string' && v !== '' ? v : defaultRuntimeClass;
}

interface Hit {
  pair: Pair;
  what: string;
}

const hostKeys: Record<string, string> = {
  hostNetwork: 'the host network',
  hostPID: 'the host PID namespace',
  hostIPC: 'the host IPC namespace',
  shareProcessNamespace: "another container's process namespace",
};

function truthy(vd: ValuesDoc, p: Pair | undefined): boolean {
  return p !== undefined && vd.scalar(p.value) === true;
}

function capabilitiesAdded(vd: ValuesDoc, sc: YAMLMap | undefined): { pair: Pair; caps: string[] } | undefined {
  const caps = vd.map(vd.value(sc, 'capabilities'));
  const add = vd.pair(caps, 'add');
  if (!add) return undefined;
  const list =
    vd.seq(add.value)?.items.map((i) =>
      String(vd.scalar(i) ?? '')
        .toUpperCase()
        .replace(/^CAP_/, ''),
    ) ?? [];
  return { pair: add, caps: list };
}

function hostPathVolumes(vd: ValuesDoc, svc: YAMLMap): Pair[] {
  const out: Pair[] = [];
  for (const item of vd.seq(vd.value(svc, 'volumes'))?.items ?? []) {
    const p = vd.pair(vd.map(item), 'hostPath');
    if (p) out.push(p);
  }
  return out;
}

function shmVolumes(vd: ValuesDoc, svc: YAMLMap): Pair[] {
  const shmNames = new Set<string>();
  for (const item of vd.seq(vd.value(svc, 'volumeMounts'))?.items ?? []) {
    const m = vd.map(item);
    if (vd.scalar(vd.value(m, 'mountPath')) === '/dev/shm') shmNames.add(String(vd.scalar(vd.value(m, 'name'))));
  }
  const out: Pair[] = [];
  for (const item of vd.seq(vd.value(svc, 'volumes'))?.items ?? []) {
    const m = vd.map(item);
    const ed = vd.pair(m, 'emptyDir');
    const medium = vd.scalar(vd.value(vd.map(ed?.value), 'medium'));
    if (ed && (shmNames.has(String(vd.scalar(vd.value(m, 'name')))) || medium === 'Memory')) out.push(ed);
  }
  return out;
}

function kataHits(vd: ValuesDoc, svc: YAMLMap): Hit[] {
  const hits: Hit[] = [];
  const sc = vd.map(vd.value(svc, 'securityContext'));
  const priv = vd.pair(sc, 'privileged');
  if (truthy(vd, priv))
    hits.push({ pair: priv!, what: "privileged mode: it reaches the Kata guest VM's devices, not the host's" });
  for (const [k, what] of Object.entries(hostKeys)) {
    const p = vd.pair(svc, k);
    if (truthy(vd, p)) hits.push({ pair: p!, what: `${what}: a Kata pod runs in its own VM and cannot join it` });
  }
  const sysctls = vd.pair(sc, 'sysctls') ?? vd.pair(svc, 'sysctls');
  if (sysctls) hits.push({ pair: sysctls, what: 'sysctls: they set the guest kernel, and Kata refuses many of them' });
  const se = vd.pair(sc, 'seLinuxOptions');
  if (se) hits.push({ pair: se, what: 'SELinux options: Kata does not apply SELinux labels inside the guest' });
  for (const p of shmVolumes(vd, svc)) hits.push({ pair: p, what: 'a sized /dev/shm: Kata ignores the shm size' });
  return hits;
}

function gvisorHits(vd: ValuesDoc, svc: YAMLMap): Hit[] {
  const hits: Hit[] = [];
  const sc = vd.map(vd.value(svc, 'securityContext'));
  const priv = vd.pair(sc, 'privileged');
  if (truthy(vd, priv))
    hits.push({
      pair: priv!,
      what: 'privileged mode: gVisor does not give containers host devices or host kernel access',
    });
  for (const [k, what] of Object.entries(hostKeys)) {
    const p = vd.pair(svc, k);
    if (truthy(vd, p)) hits.push({ pair: p!, what: `${what}: gVisor sandboxes it behind its own kernel` });
  }
  const added = capabilitiesAdded(vd, sc);
  const raw = added?.caps.filter((c) => c === 'NET_RAW' || c === 'NET_ADMIN' || c === 'ALL') ?? [];
  if (added && raw.length) {
    hits.push({
      pair: added.pair,
      what: `${raw.join(', ')}: gVisor disables raw sockets unless the node runs runsc with --net-raw (ping, nmap and packet capture fail)`,
    });
  }
  for (const p of hostPathVolumes(vd, svc))
    hits.push({
      pair: p,
      what: 'hostPath volumes: gVisor serves them through its gofer, so host-side changes may not show and some file operations differ',
    });
  return hits;
}

function report(ctx: RuleContext, svc: string, runtime: string, hits: Hit[]): void {
  for (const h of hits) {
    ctx.report({
      range: rangeOf(h.pair.key) ?? rangeOf(h.pair) ?? [0, 0],
      message: `service ${q(svc)} (runtime ${runtime}) uses ${h.what}`,
    });
  }
}

export const kataUnsupported = defineServiceRule(
  {
    id: 'sandbox/kata-unsupported',
    severity: 'warning',
    title: 'Feature that Kata Containers cannot provide',
    why: 'A runtimeClassName starting with "kata" runs the pod in a lightweight VM. Host networking or namespaces, privileged expectations, sysctls, a sized /dev/shm and SELinux options do not work there as they do with runc.',
  },
  (ctx, s) => {
    if (!s.value) return;
    const rt = runtimeOf(ctx.vd, s.value);
    if (rt.toLowerCase().startsWith('kata')) report(ctx, s.name, rt, kataHits(ctx.vd, s.value));
  },
  [],
);

export const gvisorUnsupported = defineServiceRule(
  {
    id: 'sandbox/gvisor-unsupported',
    severity: 'warning',
    title: 'Feature that gVisor limits',
    why: 'gVisor (the default runtime) implements Linux in user space: privileged mode, host namespaces, raw sockets (NET_RAW) and host paths behave differently or not at all.',
  },
  (ctx, s) => {
    if (!s.value) return;
    const rt = runtimeOf(ctx.vd, s.value);
    if (rt === 'gvisor' || rt.startsWith('gvisor')) report(ctx, s.name, rt, gvisorHits(ctx.vd, s.value));
  },
  [],
);
