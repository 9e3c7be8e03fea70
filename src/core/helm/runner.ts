// The one runner for process command descriptions: spawns with an argument array (never a shell), streams
// output lines to a sink, cancels via AbortSignal (SIGTERM, then SIGKILL) and turns stderr into a typed error.
import { spawn } from 'node:child_process';
import { SandboxError, cancelled } from '../errors';
import type { ProcessCommand } from './commands';

export type LineSink = (line: string, stream: 'stdout' | 'stderr') => void;

export interface RunOptions {
  sink?: LineSink;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL on cancel. */
  killGraceMs?: number;
  /** Don't forward stdout lines to the sink (JSON output, for instance). */
  quietStdout?: boolean;
}

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; resolves with its outcome whatever the exit code (rejects on spawn errors). */
export function runProcess(cmd: { command: string; args: string[] }, opts: RunOptions = {}): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled());
    const child = spawn(cmd.command, cmd.args, {
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const lines = (stream: 'stdout' | 'stderr') => {
      let rest = '';
      return (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (stream === 'stdout') stdout += text;
        else stderr += text;
        if (!opts.sink || (stream === 'stdout' && opts.quietStdout)) return;
        rest += text;
        const parts = rest.split(/\r?\n/);
        rest = parts.pop() ?? '';
        for (const l of parts) if (l.trim() !== '') opts.sink(l, stream);
      };
    };
    child.stdout.on('data', lines('stdout'));
    child.stderr.on('data', lines('stderr'));
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs ?? 3000);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (e.code === 'ENOENT' || e.code === 'EACCES') {
        reject(
          new SandboxError(
            'HelmNotFound',
            `Cannot run ${cmd.command}: ${e.code === 'ENOENT' ? 'not found' : 'permission denied'}`,
            { hint: HELM_INSTALL_HINT, cause: e },
          ),
        );
      } else reject(e);
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (opts.signal?.aborted) return reject(cancelled());
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a helm command description and parses its stdout; a non-zero exit becomes a typed error. */
export async function runHelm<T>(cmd: ProcessCommand<T>, opts: RunOptions = {}): Promise<T> {
  const out = await runProcess(cmd, { quietStdout: true, ...opts });
  if (out.code !== 0) throw helmError(cmd.args[0] ?? 'helm', out);
  return cmd.parse(out.stdout);
}

export function helmError(verb: string, out: ProcessOutcome): SandboxError {
  const err = out.stderr.trim();
  // helm prints "Error: <message>" last; other lines are warnings or --debug progress.
  const line = err
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('Error: '));
  let message: string;
  if (line) message = line.replace(/^Error:\s*/, '');
  else if (out.signal) message = `helm ${verb} was killed by ${out.signal}`;
  else message = `helm ${verb} exited with code ${out.code}`;
  const timeout = /context deadline exceeded|timed out waiting for the condition/.test(line ?? '');
  return new SandboxError(timeout ? 'HelmTimeout' : 'HelmFailed', `helm ${verb} failed: ${message}`, { detail: err });
}

export const HELM_INSTALL_HINT =
  'Install Helm 3.13+ or 4 (https://helm.sh/docs/intro/install/) and put it on PATH, or set "k8sSandbox.helmPath".';
