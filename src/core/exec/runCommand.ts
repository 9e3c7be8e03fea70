// Run Command: one non-interactive exec with a timeout. The command runs under `timeout` in the container
// (GNU exits 124, busybox is killed by TERM → 143: both mean "timed out"). An image without `timeout` gets a
// timer in `sh` instead (exit 124), and one without `sh` only the client-side timer, which backs up all of them. The container's restart count and the pod's UID are compared before and
// after, so a restart or an OOM kill during the run is reported, not just an exit code.
import type { KubeConfig } from '@kubernetes/client-node';
import { SandboxError } from '../errors';
import { validateContainerName, validateNamespace, validatePodName } from '../names/validate';
import { compareStates, readContainerState, type RestartReport } from './podState';
import { startExec, type ExecPort } from './startExec';
import type { ExecReason } from './types';

export interface RunCommandOptions {
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** Output as it arrives. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Extra seconds before the client-side timer gives up on a container-side timeout. */
  graceSeconds?: number;
  port?: ExecPort;
  /** WebSocket ping interval (see ExecOptions). */
  keepaliveSeconds?: number;
}

export interface RunCommandResult {
  exitCode: number | null;
  reason: ExecReason;
  message?: string;
  timedOut: boolean;
  /** How the timeout was enforced: by `timeout` in the container, or by us dropping the exec. */
  timeoutBy?: 'container' | 'client';
  stdout: string;
  stderr: string;
  restart: RestartReport;
}

const OUTPUT_CAP = 1024 * 1024;
const TIMEOUT_CODES = new Set([124, 143]);

export async function runCommand(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  opts: RunCommandOptions,
): Promise<RunCommandResult> {
  validateNamespace(target.namespace);
  validatePodName(target.pod);
  validateContainerName(target.container);
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) {
    throw new SandboxError('InvalidInput', 'No command to run');
  }
  const t = opts.timeoutSeconds;
  if (!Number.isInteger(t) || t <= 0 || t > 86400)
    throw new SandboxError('InvalidInput', `Invalid timeout ${t}: whole seconds, 1..86400`);

  const before = await readContainerState(kc, target.namespace, target.pod, target.container);
  if (!before) throw new SandboxError('NotFound', `Pod ${target.pod} not found in ${target.namespace}`);

  const limit = t + (opts.graceSeconds ?? 5);
  let run = await once(kc, target, ['timeout', String(t), ...command], limit, opts);
  if (missingExecutable(run, 'timeout')) {
    opts.onOutput?.('(no `timeout` in the container: timing out from sh)\n', 'stderr');
    run = await once(kc, target, ['sh', '-c', SHELL_TIMER, 'sh', String(t), ...command], limit, opts);
    if (missingExecutable(run, 'sh')) {
      opts.onOutput?.('(no `sh` in the container either: timing out from the client)\n', 'stderr');
      run = await once(kc, target, command, t, opts);
    }
  }
  if (!run.timedOut && run.exitCode !== null && TIMEOUT_CODES.has(run.exitCode)) {
    run.timedOut = true;
    run.timeoutBy = 'container';
  }
  const after = await readContainerState(kc, target.namespace, target.pod, target.container).catch(() => before);
  return { ...run, restart: compareStates(before, after) };
}

/**
 * The runtime could not start `name`. containerd/runc answer with a Status (no exit code), e.g. `... OCI runtime
 * exec failed: exec failed: unable to start container process: exec: "timeout": executable file not found in
 * $PATH: unknown`; runtimes that go through a shell exit 127 with "not found" on stderr.
 */
export function missingExecutable(
  r: { exitCode: number | null; reason: ExecReason; message?: string; stdout: string; stderr: string },
  name: string,
): boolean {
  const q = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (
    r.reason === 'Error' &&
    new RegExp(`exec: "${q}": (executable file not found|stat ${q}: no such file)`).test(r.message ?? '')
  )
    return true;
  return (
    r.exitCode === 127 &&
    new RegExp(`${q}.*(not found|no such file)|can't execute '${q}'`, 'i').test(r.stdout + r.stderr)
  );
}

/**
 * `sh -c SHELL_TIMER sh <seconds> <command...>`: runs the command with a TERM after <seconds> and exits 124 when
 * the timer fired (its subshell exits 9), as GNU timeout does, else with the command's status. The timer's output
 * goes to /dev/null so its `sleep` cannot hold the exec's streams open; it is killed when the command ends first.
 */
const SHELL_TIMER =
  't=$1; shift; "$@" & p=$!; (trap \'kill "$s" 2>/dev/null; exit 0\' TERM; sleep "$t" & s=$!; wait "$s"; trap "" TERM; kill -TERM "$p"; exit 9) >/dev/null 2>&1 & w=$!; wait "$p"; rc=$?; kill "$w" 2>/dev/null; wait "$w"; [ $? = 9 ] && exit 124; exit "$rc"';

async function once(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  limitSeconds: number,
  opts: RunCommandOptions,
): Promise<Omit<RunCommandResult, 'restart'>> {
  const session = startExec(
    kc,
    { ...target, command },
    { stdin: false, tty: false, keepaliveSeconds: opts.keepaliveSeconds },
    opts.port,
  );
  let stdout = '';
  let stderr = '';
  const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (stream === 'stdout' && stdout.length < OUTPUT_CAP) stdout += text;
    if (stream === 'stderr' && stderr.length < OUTPUT_CAP) stderr += text;
    opts.onOutput?.(text, stream);
  };
  session.stdout.on('data', collect('stdout'));
  session.stderr.on('data', collect('stderr'));
  let clientTimeout = false;
  const timer = setTimeout(() => {
    clientTimeout = true;
    session.close();
  }, limitSeconds * 1000);
  const onAbort = () => session.close();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const r = await session.done;
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (opts.signal?.aborted) throw new SandboxError('Cancelled', 'Run Command cancelled');
  return {
    exitCode: r.exitCode,
    reason: r.reason,
    message: r.message,
    timedOut: clientTimeout,
    timeoutBy: clientTimeout ? 'client' : undefined,
    stdout,
    stderr,
  };
}

/** One-paragraph summary for the output channel. */
export function describeRunResult(
  r: RunCommandResult,
  t: { pod: string; container: string },
  timeoutSeconds: number,
): string {
  const parts: string[] = [];
  if (r.timedOut)
    parts.push(`timed out after ${timeoutSeconds}s${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}`);
  else if (r.reason === 'Success') parts.push('exit code 0');
  else if (r.reason === 'NonZeroExitCode') parts.push(`exit code ${r.exitCode}`);
  else if (r.reason === 'ConnectionLost') parts.push(`connection lost${r.message ? `: ${r.message}` : ''}`);
  else parts.push(`failed: ${r.message ?? 'exec error'}`);
  const rs = r.restart;
  if (rs.podGone) parts.push(`pod ${t.pod} was deleted during the run`);
  else if (rs.podReplaced) parts.push(`pod ${t.pod} was replaced during the run`);
  else if (rs.restarted) {
    parts.push(
      `container ${t.container} restarted during the run (${rs.oomKilled ? 'OOMKilled' : (rs.reason ?? 'unknown reason')}${rs.exitCode !== undefined ? `, exit code ${rs.exitCode}` : ''}; restarts ${rs.restartsBefore} → ${rs.restartsAfter})`,
    );
  } else parts.push('no restart');
  return parts.join('; ');
}
