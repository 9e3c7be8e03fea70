// Show Logs: a read-only terminal streaming a container's log (follow or not, current or previous instance).
// Closing the terminal stops the stream.
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { Log, type KubeConfig } from '@kubernetes/client-node';
import type { TerminalTarget } from './podTerminal';
import { createSandboxTerminal } from './sandboxTerminals';

export interface LogTerminalOptions {
  follow: boolean;
  previous: boolean;
  tailLines?: number;
}

/** Terminals need CRLF; a lone LF would staircase. */
export const toTerminalText = (s: string): string => s.replace(/\r?\n/g, '\r\n');

export async function openLogTerminal(
  kc: KubeConfig,
  t: TerminalTarget,
  o: LogTerminalOptions,
): Promise<vscode.Terminal> {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<void>();
  let abort: AbortController | undefined;
  let closed = false;
  const say = (s: string) => !closed && write.fire(toTerminalText(s));
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      const decoder = new StringDecoder('utf8');
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          say(decoder.write(chunk));
          cb();
        },
        final(cb) {
          say(`\n\x1b[2m[end of log${o.follow ? ': the container stopped or the stream closed' : ''}]\x1b[0m\n`);
          cb();
        },
      });
      new Log(kc)
        .log(t.namespace, t.pod, t.container, sink, { follow: o.follow, previous: o.previous, tailLines: o.tailLines })
        .then(
          (c) => {
            abort = c;
            if (closed) c.abort();
          },
          (e: unknown) => {
            const code = (e as { code?: unknown }).code;
            const why =
              o.previous && code === 400
                ? 'there is no previous instance of this container'
                : e instanceof Error
                  ? e.message.split('\n')[0]
                  : String(e);
            say(`\x1b[31mCould not read the log: ${why}\x1b[0m\n`);
          },
        );
    },
    close: () => {
      closed = true;
      abort?.abort();
      write.dispose();
      close.dispose();
    },
  };
  const suffix = [o.previous ? 'previous' : '', o.follow ? 'follow' : ''].filter(Boolean).join(', ');
  const term = await createSandboxTerminal(
    {
      name: `Logs ${t.pod}/${t.container}${suffix ? ` (${suffix})` : ''}`,
      pty,
      iconPath: new vscode.ThemeIcon('output'),
    },
    t,
  );
  term.show();
  return term;
}
