// `npm run sim`: a simulated cluster in the foreground, with a kubeconfig to point kubectl, helm or the extension at.
// Flags: --port N, --http (plain HTTP), --kubeconfig FILE, --no-gvisor (a cluster without the gvisor RuntimeClass),
// --cilium-namespace NS (where the agents and hubble-relay run; default kube-system).
import { join } from 'node:path';
import { DEFAULT_RUNTIME_CLASSES, startCluster, type SimCluster } from './cluster';

/** Optional demo content (the lead may pass a seeding function here). */
export type Seeder = (cluster: SimCluster) => Promise<void> | void;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(args = process.argv.slice(2), seed?: Seeder): Promise<void> {
  const port = flag(args, '--port');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new Error(`--port needs a number, got "${port}"`);
  const ciliumNamespace = flag(args, '--cilium-namespace');
  if (ciliumNamespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ciliumNamespace))
    throw new Error(`--cilium-namespace needs a namespace name, got "${ciliumNamespace}"`);
  const cluster = await startCluster({
    ...(ciliumNamespace ? { ciliumNamespace } : {}),
    tls: !args.includes('--http'),
    port: port ? Number(port) : undefined,
    runtimeClasses: args.includes('--no-gvisor')
      ? DEFAULT_RUNTIME_CLASSES.filter((r) => r.name !== 'gvisor')
      : undefined,
  });
  const kubeconfig = cluster.writeKubeconfig(flag(args, '--kubeconfig') ?? join(cluster.workDir, 'kubeconfig'));
  const restricted = cluster.writeKubeconfig(join(cluster.workDir, 'kubeconfig-restricted'), { user: 'restricted' });
  const relay = cluster.writeKubeconfig(join(cluster.workDir, 'kubeconfig-relay'), { user: 'relay' });
  if (seed) await seed(cluster);
  process.stdout.write(
    [
      `Simulated cluster listening on ${cluster.url}`,
      `Kubeconfig (admin):      ${kubeconfig}`,
      `Kubeconfig (restricted to namespace "${cluster.restrictedNamespace}"): ${restricted}`,
      `Kubeconfig (namespace "${cluster.relayUserNamespace}" + port-forward to hubble-relay in "${cluster.ciliumNamespace}", no exec there): ${relay}`,
      '',
      'Try:',
      `  KUBECONFIG=${kubeconfig} kubectl get pods -A`,
      `  KUBECONFIG=${kubeconfig} helm install demo ./chart --wait`,
      '',
      'Ctrl-C stops the cluster.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
