// The exec layer's contract (shared with terminals, Run Command and the inspector's drop stream).
import type { Readable } from 'node:stream';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  /** Argument array; never a shell string built from user data. */
  command: string[];
}

export interface ExecOptions {
  stdin?: boolean;
  tty?: boolean;
  cols?: number;
  rows?: number;
  /** Seconds between WebSocket pings (a missed pong ends the session as ConnectionLost); 0 = none. Default 30. */
  keepaliveSeconds?: number;
}

export type ExecReason = 'Success' | 'NonZeroExitCode' | 'Error' | 'ConnectionLost';

export interface ExecResult {
  exitCode: number | null;
  reason: ExecReason;
  message?: string;
}

export interface ExecSession {
  stdout: Readable;
  stderr: Readable;
  write(data: string | Buffer): void;
  /** Signals end of stdin (a v5 CLOSE frame). */
  endInput(): void;
  /** Terminal size (channel 4); ignored without a tty. */
  resize(cols: number, rows: number): void;
  /** Drops the connection; `done` then resolves (ConnectionLost unless a status already arrived). */
  close(): void;
  /** Resolves exactly once; never rejects. */
  done: Promise<ExecResult>;
}
