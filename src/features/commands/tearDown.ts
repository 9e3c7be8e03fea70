// Tear Down: one release or a multi-selection, confirmed, `helm uninstall --wait` each, with progress.
import * as vscode from 'vscode';
import { tearDown as uninstall, type ReleaseRef } from '../../core/helm/teardown';
import { SandboxError, cancelled } from '../../platform/errors';
import { confirm, helmSetup, nodesOf, pickReleases, releasesOf, withProgress, type CommandContext } from './shared';

const UNINSTALL_TIMEOUT_SECONDS = 300;

export async function tearDown(ctx: CommandContext, node?: unknown, selected?: unknown): Promise<void> {
  const fromTree = releasesOf(nodesOf(node, selected));
  const refs = fromTree.length ? fromTree : await pickReleases(ctx, true);
  const names = refs.map((r) => `${r.release} (${r.namespace})`).join(', ');
  const ok = await confirm(
    refs.length === 1 ? `Tear down sandbox ${refs[0].release}?` : `Tear down ${refs.length} sandboxes?`,
    `helm uninstall --wait removes every object of: ${names}.`,
    'Tear Down',
  );
  if (!ok) throw cancelled();
  await runTearDown(ctx, refs);
}

export async function runTearDown(ctx: CommandContext, refs: ReleaseRef[]): Promise<void> {
  const { log } = ctx.services;
  const setup = await helmSetup(ctx.services);
  let done = 0;
  const result = await withProgress(`Tearing down ${refs.length === 1 ? refs[0].release : `${refs.length} sandboxes`}`, (signal, report) =>
    uninstall(refs, {
      helm: setup.target,
      env: setup.env,
      kc: setup.snapshot.kubeConfig,
      timeoutSeconds: UNINSTALL_TIMEOUT_SECONDS,
      signal,
      sink: (l) => log.line(l),
      onDone: (r, error) => {
        done++;
        report(`${done}/${refs.length} ${r.release}${error ? ' failed' : ' removed'}`);
      },
    }),
  );
  for (const r of result.removed) {
    log.info(`Removed ${r.release} from ${r.namespace}`);
    await ctx.services.valuesFiles.delete({ context: setup.snapshot.context, ...r });
  }
  if (result.failed.length) {
    for (const f of result.failed) log.error(`Could not remove ${f.release} from ${f.namespace}: ${f.error}`);
    throw new SandboxError('HelmFailed', `Could not tear down ${result.failed.map((f) => f.release).join(', ')}: ${result.failed[0].error}`);
  }
  void vscode.window.showInformationMessage(`Removed ${result.removed.map((r) => r.release).join(', ')}.`);
}
