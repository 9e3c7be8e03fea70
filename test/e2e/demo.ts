// The embedded demo: a simulated cluster seeded with realistic sandboxes (real helm + chart/), and code-server with
// the packaged extension and a workspace of sample values files. Prints the URL; Ctrl-C stops everything.
// Run through `npm run demo` (scripts/code-server-demo.mjs installs and builds what is missing first).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness/codeServer';
import { startSession, type Session } from './harness/session';
import {
  deniedDomains,
  droppedTarget,
  seedNamespace,
  seedReleases,
  startSeededCluster,
  teamNamespace,
  teamRelease,
  type SeededCluster,
} from './seed';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function pickPort(): Promise<number> {
  const wanted = Number(argValue('--port') ?? process.env.PORT ?? 8080);
  // Use the wanted port when it is free, else any free one.
  const free = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(wanted, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-sandbox-demo-'));
  let cluster: SeededCluster | undefined;
  let session: Session | undefined;
  let closing: Promise<void> | undefined;
  const shutdown = (code: number) => {
    closing ??= (async () => {
      process.stdout.write('\ndemo: stopping code-server and the simulated cluster…\n');
      await session?.close();
      await cluster?.stop();
      rmSync(scratch, { recursive: true, force: true });
      process.stdout.write('demo: stopped, nothing left running.\n');
      process.exit(code);
    })();
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => shutdown(0));

  try {
    process.stdout.write(
      `demo: starting the simulated cluster and installing ${seedReleases.length} sandboxes with helm…\n`,
    );
    cluster = await startSeededCluster(scratch, { timers: true, team: true, evals: true });
    // The workbench starts as the team user (no exec into the Cilium agents): the Inspector reads hubble-relay.
    const seeded: SeededCluster = { ...cluster, kubeconfig: cluster.teamKubeconfig ?? cluster.kubeconfig };
    const adminKubeconfig = cluster.kubeconfig;
    const port = await pickPort();
    session = await startSession({ cluster: async () => seeded, port, vsixReady: true, browser: false });
    // The session owns the cluster's stop now; avoid stopping it twice.
    cluster = undefined;
    const url = session.server.workbenchUrl();
    process.stdout.write(
      [
        '',
        'K8s Sandbox demo is running.',
        '',
        `  Open:        ${url}`,
        `  Kubeconfig:  ${seeded.kubeconfig}  (context sim-relay: namespace ${teamNamespace}, flows through hubble-relay;`,
        `               context sim-admin: namespace ${seedNamespace}, flows by exec into the agents)`,
        `  Admin only:  ${adminKubeconfig}`,
        `  Desktop:     KUBECONFIG=${seeded.kubeconfig} code --extensionDevelopmentPath=.`,
        '',
        '  Sandboxes:',
        ...[...seedReleases, teamRelease].map(
          (r) =>
            `    ${r.release.padEnd(14)} ${r.role.padEnd(15)} ${(r.namespace ?? seedNamespace).padEnd(15)} values: ${r.values}`,
        ),
        `  Evals: ${seeded.evals?.length ?? 0} inspect-style samples of tasks ${[...new Set(seeded.evals?.map((e) => e.task))].join(', ')}`,
        `         (failing on purpose: ${seeded.evals
          ?.filter((e) => e.fault)
          .map((e) => `${e.release} ${e.fault}`)
          .join(', ')})`,
        `  The agents in agent-egress and team-egress look up ${deniedDomains.join(', ')} (NXDOMAIN from the CoreDNS sidecar)`,
        `  and connect to ${droppedTarget.domain}:${droppedTarget.port} (allowed name, port not allowed: SYNs dropped);`,
        '  oom-loop gets OOMKilled regularly.',
        '',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (e) {
    process.stderr.write(`demo failed: ${(e as Error).message}\n`);
    shutdown(1);
  }
}

void main();
