// The peers: real kubectl and helm (found only through test/support/tools.ts), run with argument arrays, their
// own caches under the bench's temp dir, timed from spawn to exit.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary, kubectlBinary } from '../../test/support/tools';
import { nowMs } from './stats';

export const KUBECTL_VERSION = '1.35.2' as const;
export const HELM_VERSION = '3.18.0' as const;
export const kubectl = (): string => kubectlBinary(KUBECTL_VERSION);
export const helm = (): string => helmBinary(HELM_VERSION);

export function toolEnv(dir: string, kubeconfig: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, 'kube-cache'),
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_DATA_HOME: join(dir, 'helm-data'),
  };
}

export interface RunResult {
  code: number | null;
  ms: number;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
}

/** Spawns and waits; stdout is counted (and kept when `keep`), stderr kept for error messages. */
export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { keep?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (opts.keep) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        ms: nowMs() - t0,
        stdoutBytes: bytes,
        stdout: opts.keep ? Buffer.concat(out).toString() : '',
        stderr,
      });
    });
  });
}

export async function mustRun(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { keep?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  const r = await run(cmd, args, env, opts);
  if (r.code !== 0) throw new Error(`${cmd.split('/').pop()} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/** CPU time (ms) of this process's exited, reaped children (/proc/self/stat cutime + cstime). */
export function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[13]) + Number(f[14]); // fields 16 and 17 of proc(5), counted from "state" (field 3)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
