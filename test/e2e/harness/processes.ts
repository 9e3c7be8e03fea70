// Child processes in their own process group (setsid via `detached`), so stopping one also stops everything it
// started (code-server's extension host, pty host, file watcher). A last-resort exit hook kills leftovers.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const live = new Set<number>();
let hooked = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

/** Spawns `cmd args` (argument array, no shell) as a new process group; output goes to `logFile`. */
export function spawnGroup(cmd: string, args: string[], logFile: string, opts: SpawnOptions = {}): GroupProcess {
  hookExit();
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cmd}`);
  live.add(pid);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      killGroup(pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
      // The leader may be gone while children linger in the group: always sweep it.
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
      await new Promise<void>((r) => log.end(r));
    })();
    return stopping;
  };
  return { child, exited, stop };
}
