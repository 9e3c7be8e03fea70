// A real VS Code (code-server) with a fresh profile: scratch HOME/XDG, the vsix installed, settings seeded.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerEntry, repoRoot } from './paths';
import { spawnGroup, type GroupProcess } from './processes';

export interface CodeServerOptions {
  vsix: string;
  workspace: string;
  /** Extra user settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  port?: number;
}

export interface CodeServer {
  readonly url: string;
  readonly authority: string;
  readonly workspace: string;
  readonly profileDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly serverLog: string;
  /** Folder of the installed extension (what the vsix unpacked to). */
  readonly installedExtension: string;
  workbenchUrl(query?: Record<string, string>): string;
  /** Server log plus every extension-host log and output channel, for failure reports. */
  collectLogs(): string;
  stop(): Promise<void>;
}

/** Settings every run needs: a readable terminal (DOM renderer), no start page, nothing phoning home. */
export const baseSettings: Record<string, unknown> = {
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.dialogStyle': 'custom',
  'files.simpleDialog.enable': true,
  'terminal.integrated.defaultProfile.linux': 'bash',
};

export function ensureCodeServer(): void {
  if (existsSync(codeServerEntry)) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'code-server-setup.mjs')], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(codeServerEntry))
    throw new Error('code-server setup failed: run `npm run e2e:setup`');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, proc: GroupProcess, log: string): Promise<void> {
  let dead = false;
  void proc.exited.then(() => (dead = true));
  for (let i = 0; i < 300; i++) {
    if (dead) throw new Error(`code-server exited early:\n${readFileSync(log, 'utf8')}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer at ${url}:\n${readFileSync(log, 'utf8')}`);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  ensureCodeServer();
  const profileDir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-e2e-'));
  const dirs = {
    userData: join(profileDir, 'user-data'),
    extensions: join(profileDir, 'extensions'),
    home: join(profileDir, 'home'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_STATE_HOME: join(dirs.home, '.local', 'state'),
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    ...opts.env,
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const inst = spawnSync(process.execPath, [codeServerEntry, ...common, '--install-extension', opts.vsix], {
    env,
    encoding: 'utf8',
  });
  if (inst.status !== 0) throw new Error(`installing ${opts.vsix} failed:\n${inst.stdout}${inst.stderr}`);
  const installed = readdirSync(dirs.extensions).find((d) => d.startsWith('k8s-sandbox.k8s-sandbox-'));
  if (!installed) throw new Error(`vsix did not install:\n${inst.stdout}${inst.stderr}`);

  const settings = { ...baseSettings, ...opts.settings };
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
  writeFileSync(join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));

  const port = opts.port ?? (await freePort());
  const authority = `127.0.0.1:${port}`;
  const config = join(profileDir, 'config.yaml');
  writeFileSync(config, `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const serverLog = join(profileDir, 'server.log');
  const args = [
    codeServerEntry,
    '--config',
    config,
    ...common,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    opts.workspace,
  ];
  const proc = spawnGroup(process.execPath, args, serverLog, { env, cwd: opts.workspace });
  const url = `http://${authority}/`;
  try {
    await waitForHttp(url, proc, serverLog);
  } catch (e) {
    await proc.stop();
    rmSync(profileDir, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    authority,
    workspace: opts.workspace,
    profileDir,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    serverLog,
    installedExtension: join(dirs.extensions, installed),
    workbenchUrl(query: Record<string, string> = {}) {
      const q = new URLSearchParams({ folder: opts.workspace, ...query });
      return `${url}?${q.toString()}`;
    },
    collectLogs() {
      const parts = [`===== code-server log (${serverLog})\n${readSafe(serverLog)}`];
      for (const f of listFiles(join(dirs.userData, 'logs'))) {
        const base = f.slice(f.lastIndexOf('/') + 1);
        if (
          !/^(remote)?exthost\.log$|^remoteagent\.log$|^ptyhost\.log$|K8s Sandbox/i.test(base) ||
          statSync(f).size === 0
        )
          continue;
        parts.push(`===== ${f.slice(profileDir.length + 1)}\n${readSafe(f)}`);
      }
      return parts.join('\n');
    },
    async stop() {
      await proc.stop();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

function readSafe(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > 20_000 ? `…${text.slice(-20_000)}` : text;
  } catch {
    return '(unreadable)';
  }
}
