// Counters for the soak: what this process holds open (sockets, listening servers, child processes, process
// listeners) and the heap after a full garbage collection.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { children } from './processes';

export interface Census {
  /** TCP sockets of this process (both ends of connections to the in-process sim count). */
  sockets: number;
  /** Listening TCP servers. */
  listeners: number;
  childProcesses: number;
  /** Listeners on `process` (exit, signal, warning handlers...). */
  processListeners: number;
}

export function census(): Census {
  const info = process.getActiveResourcesInfo();
  const count = (name: string) => info.filter((x) => x === name).length;
  return {
    sockets: count('TCPSocketWrap'),
    listeners: count('TCPServerWrap'),
    childProcesses: children().length,
    processListeners: process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0),
  };
}

let gcFn: (() => void) | undefined;

/** Heap in use after a full GC (MiB). */
export function heapAfterGc(): number {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}
