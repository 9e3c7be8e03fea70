// The contract between the API server and the simulated kubelet (test/sim/kubelet/).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimResources } from './resources';
import type { Store } from './store';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** PodAttachOptions after the API server's conversion: no command, the container's main process. */
export interface AttachTarget {
  namespace: string;
  pod: string;
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface LogsTarget {
  namespace: string;
  pod: string;
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  /** Prefix each line with its RFC3339NanoFixed time and a space (PodLogOptions.timestamps). */
  timestamps: boolean;
  /** Lines written before this (epoch ms) are left out (sinceTime, or now - sinceSeconds). */
  sinceMs?: number;
}

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  ports: number[];
}

export interface KubeletOptions {
  store: Store;
  resources: SimResources;
  workDir: string;
  nodes: string[];
}

export interface KubeletLike {
  start(): void;
  stop(): Promise<void>;
  handleExec(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget): void;
  handleAttach(req: IncomingMessage, socket: Duplex, head: Buffer, target: AttachTarget): void;
  logs(target: LogsTarget, res: ServerResponse): void;
  handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget): void;
  faults: unknown;
}
