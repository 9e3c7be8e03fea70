// One e2e session: the packaged vsix, a scratch workspace of sample values files, an optional simulated cluster,
// code-server with a fresh profile pointed at it, and headless Chromium. close() always tears everything down.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { helmBinary } from '../../support/tools';
import type { E2EContext } from '../suite/context';
import { launchBrowser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { fixturesDir, repoRoot, vsixPath } from './paths';

/** A running cluster as the harness needs it (the sim, see test/e2e/seed.ts). */
export interface ClusterHandle {
  kubeconfig: string;
  seeded: E2EContext['seeded'];
  control?: E2EContext['control'];
  stop(): Promise<void>;
}

export interface SessionOptions {
  /** Starts (and seeds) a cluster; gets the session's scratch folder. */
  cluster?: (scratch: string) => Promise<ClusterHandle>;
  settings?: Record<string, unknown>;
  port?: number;
  /** Skip `npm run package` (the demo packages once itself). */
  vsixReady?: boolean;
  browser?: boolean;
}

export interface Session {
  scratch: string;
  workspace: string;
  server: CodeServer;
  browser?: Browser;
  cluster?: ClusterHandle;
  helmPath: string;
  close(): Promise<void>;
}

let packaged = false;

/** `npm run package` once per process: the suite tests exactly what ships. K8S_SANDBOX_E2E_VSIX tests a prebuilt one. */
export function packageVsix(): string {
  const prebuilt = process.env.K8S_SANDBOX_E2E_VSIX;
  if (prebuilt) {
    if (!existsSync(prebuilt)) throw new Error(`K8S_SANDBOX_E2E_VSIX=${prebuilt} does not exist`);
    return prebuilt;
  }
  if (packaged && existsSync(vsixPath)) return vsixPath;
  const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(vsixPath)) throw new Error(`npm run package failed:\n${r.stdout}${r.stderr}`);
  packaged = true;
  return vsixPath;
}

/** A workspace holding the shared sample values files (valid ones at the top, invalid ones under invalid/). */
export function makeWorkspace(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(fixturesDir)) throw new Error(`${fixturesDir} is missing (the shared folder sits beside the repo)`);
  cpSync(fixturesDir, dir, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', dir]);
  return dir;
}

async function quietly(what: string, step: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await step();
  } catch (e) {
    process.stderr.write(`e2e teardown: ${what}: ${(e as Error).message}\n`);
  }
}

export async function startSession(opts: SessionOptions = {}): Promise<Session> {
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-sandbox-e2e-session-'));
  const helmPath = helmBinary('3.18.0');
  let cluster: ClusterHandle | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await quietly('browser', () => browser?.close());
    await quietly('code-server', () => server?.stop());
    await quietly('cluster', () => cluster?.stop());
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const vsix = opts.vsixReady ? (process.env.K8S_SANDBOX_E2E_VSIX ?? vsixPath) : packageVsix();
    const workspace = makeWorkspace(join(scratch, 'workspace'));
    cluster = opts.cluster ? await opts.cluster(scratch) : undefined;
    const contextFile = join(scratch, 'e2e-context.json');
    const context: E2EContext = {
      host: 'code-server',
      kubeconfig: cluster?.kubeconfig,
      fixturesDir,
      workspace,
      helmPath,
      seeded: cluster?.seeded ?? [],
      control: cluster?.control,
    };
    writeFileSync(contextFile, JSON.stringify(context));
    const env: Record<string, string> = { K8S_SANDBOX_E2E_CONTEXT: contextFile };
    if (cluster) env.KUBECONFIG = cluster.kubeconfig;
    if (process.env.K8S_SANDBOX_E2E_GREP) env.K8S_SANDBOX_E2E_GREP = process.env.K8S_SANDBOX_E2E_GREP;
    server = await startCodeServer({
      vsix,
      workspace,
      port: opts.port,
      env,
      settings: {
        'k8sSandbox.helmPath': helmPath,
        ...(cluster ? { 'k8sSandbox.kubeconfig': cluster.kubeconfig } : {}),
        ...opts.settings,
      },
    });
    if (opts.browser !== false) browser = await launchBrowser();
    return { scratch, workspace, server, browser, cluster, helmPath, close };
  } catch (e) {
    if (server) process.stderr.write(server.collectLogs() + '\n');
    await close();
    throw e;
  }
}
