// Run Command…: one command line in the container under a timeout; output and result in the log channel.
// The command line is the user's own, run by the container's sh (as `kubectl exec -- sh -c` would); nothing
// of it reaches a host shell.
import * as vscode from 'vscode';
import { describeRunResult, runCommand as run } from '../../core/exec/runCommand';
import { cancelled } from '../../core/errors';
import { withProgress } from '../../platform/ui';
import { resolveContainer, type CommandContext } from './shared';
import { settings } from '../../platform/settings';

export async function runCommand(ctx: CommandContext, node?: unknown): Promise<void> {
  const t = await resolveContainer(ctx, node);
  const line = await vscode.window.showInputBox({
    title: `Run Command in ${t.pod}/${t.container}`,
    prompt: 'Command line (run with sh -c in the container)',
  });
  if (!line?.trim()) throw cancelled();
  const timeout = await vscode.window.showInputBox({
    title: 'Timeout (seconds)',
    value: '60',
    validateInput: (v) =>
      /^\d+$/.test(v) && Number(v) > 0 && Number(v) <= 86400 ? undefined : 'Whole seconds, 1 to 86400',
  });
  if (timeout === undefined) throw cancelled();
  const seconds = Number(timeout);
  const { log } = ctx.services;
  log.show();
  log.info(`$ ${line}   [${t.namespace}/${t.pod}/${t.container}, timeout ${seconds}s]`);
  let partial = '';
  const result = await withProgress(`Running in ${t.pod}/${t.container}`, (signal) =>
    run(ctx.services.cluster.kubeConfig, t, ['sh', '-c', line], {
      timeoutSeconds: seconds,
      keepaliveSeconds: settings.keepaliveSeconds(),
      signal,
      onOutput: (text) => {
        const lines = (partial + text).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const l of lines) log.line(l);
      },
    }),
  );
  if (partial) log.line(partial);
  const summary = describeRunResult(result, t, seconds);
  log.info(`Result: ${summary}`);
  const show =
    result.reason === 'Success' && !result.restart.restarted
      ? vscode.window.showInformationMessage
      : vscode.window.showWarningMessage;
  const pick = await show(`${t.pod}/${t.container}: ${summary}`, 'Show Output');
  if (pick) log.show();
}
