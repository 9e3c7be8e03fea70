// What every benchmark suite gets from the runner.
import type { Started } from '../sim/protocol';
import type { Worker } from './rpc';

export interface Context {
  quick: boolean;
  /** Temp dir of this run (kubeconfigs, tool caches), removed at the end. */
  dir: string;
  sim: Worker;
  started: Started;
  /** The main size (initial load, idle, memory); the cluster holds `sizes[0]` releases when suites start. */
  releases: number;
  /** Cluster sizes (releases) the tree suite grows through, ascending; one of them is `releases`. */
  sizes: number[];
  podsPerRelease: number;
  /** A directory for the main extension process's CPU profile (--cpu-prof=DIR). */
  cpuProf?: string;
  log(message: string): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; rejects with `what` at the deadline. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
