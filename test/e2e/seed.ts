// Seeds the simulated cluster with realistic sandboxes through the REAL helm and our chart/ (shared by the demo,
// the e2e session and test:electron): a healthy multi-service release, a crash-looping one (OOMKilled restarts), a
// Burstable one (fixture 04), and one whose agent keeps calling names outside allowDomains (NXDOMAIN from the
// CoreDNS sidecar, logged) and an allowed name on a port it may not use (SYNs dropped by Cilium). With `team`, the
// same egress sandbox in a second namespace whose user may port-forward to hubble-relay but not exec into the
// Cilium agents: there the Inspector reads flows through the relay.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startCluster, type SimCluster } from '../sim/cluster';
import type { Kubelet } from '../sim/kubelet';
import { CREATOR_LABEL, SANDBOX_LABEL } from '../../src/core/names/labels';
import { helmBinary } from '../support/tools';
import { startControl } from './harness/control';
import { fixturesDir, repoRoot } from './harness/paths';
import type { ClusterHandle } from './harness/session';
import { evalRuntimeClasses, seedEvalSamples, type EvalSample } from './seedEvals';

export const seedNamespace = 'sandboxes';
export const seedCreator = 'demo-user';

export interface SeedRelease {
  release: string;
  values: string;
  role: 'healthy' | 'crashloop' | 'burstable' | 'denied-traffic';
  /** Default: seedNamespace. */
  namespace?: string;
}

export const seedReleases: SeedRelease[] = [
  { release: 'swe-multi', values: '01-dns-multi-service-values.yaml', role: 'healthy' },
  { release: 'oom-loop', values: '03-runtime-class-values.yaml', role: 'crashloop' },
  { release: 'compose-burst', values: '04-compose-converted-helm-values.yaml', role: 'burstable' },
  { release: 'agent-egress', values: '05-allow-domains-ports-scoped-values.yaml', role: 'denied-traffic' },
];

/** Names the denied-traffic agent keeps looking up (not in fixture 05's allowDomains: NXDOMAIN from the sidecar). */
export const deniedDomains = ['files.pythonhosted.org', 'api.openai.com', 'registry.npmjs.org'];

/** An allowed name on a port fixture 05 does not open for it (22 is github.com's only): SYNs dropped. */
export const droppedTarget = { domain: 'pypi.org', port: 22 } as const;

/** The second demo namespace: its user (the sim's `relay` user) reads flows through hubble-relay only. */
export const teamNamespace = 'team-sandboxes';
export const teamRelease: SeedRelease = {
  release: 'team-egress',
  values: '05-allow-domains-ports-scoped-values.yaml',
  role: 'denied-traffic',
  namespace: teamNamespace,
};

export interface SeededCluster extends ClusterHandle {
  sim: SimCluster;
  /** The simulated kubelet with its typed fault and traffic handles. */
  kubelet: Kubelet;
  /** Pods of a seeded release, from the store. */
  podsOf(release: string): string[];
  /** The inspect-style eval samples (seedEvals.ts), when seeded. */
  evals?: EvalSample[];
  /** With `team`: a kubeconfig whose current context is the relay user in teamNamespace (admin as a second context). */
  teamKubeconfig?: string;
}

export interface SeedOptions {
  /** Keep crashing the crash-loop release and sending denied traffic (demo: on; tests drive faults themselves). */
  timers?: boolean;
  releases?: SeedRelease[];
  port?: number;
  /** Open the loopback control endpoint the in-host suites use to inject faults and traffic. */
  control?: boolean;
  /** Also install two tasks of inspect-style samples, some failing (seedEvals.ts). */
  evals?: boolean;
  /** Also install teamRelease in teamNamespace, for the relay-only user. */
  team?: boolean;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

export function helmInstallArgs(kubeconfig: string, r: SeedRelease): string[] {
  return [
    'install',
    r.release,
    join(repoRoot, 'chart'),
    '--namespace',
    r.namespace ?? seedNamespace,
    '--create-namespace',
    '--values',
    join(fixturesDir, r.values),
    `--labels=${SANDBOX_LABEL}=true,${CREATOR_LABEL}=${seedCreator}`,
    '--wait',
    '--timeout',
    '120s',
    '--kubeconfig',
    kubeconfig,
  ];
}

export async function startSeededCluster(scratch: string, opts: SeedOptions = {}): Promise<SeededCluster> {
  const sim = await startCluster({
    ...(opts.port ? { port: opts.port } : {}),
    relayUserNamespace: teamNamespace,
    ...(opts.evals ? { runtimeClasses: evalRuntimeClasses } : {}),
  });
  const kubelet = sim.kubelet as unknown as Kubelet;
  const timers: NodeJS.Timeout[] = [];
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const t of timers) clearInterval(t);
    for (const c of closers) await c();
    await sim.stop();
  };
  try {
    const kubeconfig = join(scratch, 'kubeconfig.yaml');
    sim.writeKubeconfig(kubeconfig, { user: 'admin', namespace: seedNamespace });
    const releases = [...(opts.releases ?? seedReleases), ...(opts.team ? [teamRelease] : [])];
    const nsOf = (release: string) => releases.find((r) => r.release === release)?.namespace ?? seedNamespace;
    const helm = helmBinary('3.18.0');
    // Independent releases: install them side by side (each helm --wait's its own pods).
    await Promise.all(releases.map((r) => run(helm, helmInstallArgs(kubeconfig, r))));
    const evals = opts.evals ? await seedEvalSamples(sim, kubeconfig, seedNamespace, scratch) : undefined;
    // The `default` service's pod first (the one the agent runs in), then the rest by name.
    const podsOf = (release: string) =>
      sim.store
        .list(sim.resources.pods, nsOf(release))
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === release)
        .map((p) => p.metadata.name)
        .sort(
          (a, b) => Number(b === `${release}-default-0`) - Number(a === `${release}-default-0`) || a.localeCompare(b),
        );
    if (opts.timers) startTimers(kubelet, releases, podsOf, timers);
    const seeded = releases.map((r) => ({
      namespace: r.namespace ?? seedNamespace,
      release: r.release,
      pods: podsOf(r.release),
    }));
    const handle: SeededCluster = { sim, kubelet, kubeconfig, seeded, podsOf, stop, evals };
    if (opts.team)
      handle.teamKubeconfig = sim.writeKubeconfig(join(scratch, 'kubeconfig-team.yaml'), {
        user: 'relay',
        namespace: teamNamespace,
        also: [{ user: 'admin', namespace: seedNamespace }],
      });
    if (opts.control) {
      const control = await startControl(handle);
      closers.push(control.close);
      handle.control = { url: control.url, token: control.token };
    }
    return handle;
  } catch (e) {
    await stop();
    throw e;
  }
}

function startTimers(
  kubelet: Kubelet,
  releases: SeedRelease[],
  podsOf: (r: string) => string[],
  timers: NodeJS.Timeout[],
): void {
  const crash = releases.find((r) => r.role === 'crashloop');
  if (crash) {
    const tick = () => {
      const pod = podsOf(crash.release)[0];
      if (pod) kubelet.faults.crash(seedNamespace, pod, undefined, { reason: 'OOMKilled', exitCode: 137 });
    };
    tick();
    timers.push(setInterval(tick, 30_000));
  }
  // Each egress sandbox alternates a refused lookup and a dropped connection, so both kinds of rows keep coming.
  let i = 0;
  const egress = releases.filter((r) => r.role === 'denied-traffic');
  if (egress.length) {
    timers.push(
      setInterval(() => {
        const n = i++;
        for (const r of egress) {
          const pod = podsOf(r.release)[0];
          if (!pod) continue;
          const destination =
            n % 2 === 0
              ? { domain: deniedDomains[(n / 2) % deniedDomains.length], port: 443, protocol: 'TCP' as const }
              : { ...droppedTarget, protocol: 'TCP' as const };
          void kubelet.traffic
            .request({ namespace: r.namespace ?? seedNamespace, pod, destination })
            .catch(() => undefined);
        }
      }, 3_000),
    );
  }
}
