// Tear down sandboxes (helm uninstall --wait) with progress: used by Tear Down, Tear Down All Mine and Tear Down Task.
import * as vscode from 'vscode';
import { tearDown as uninstall, type ReleaseRef } from '../../core/helm/teardown';
import { SandboxError } from '../../core/errors';
import { helmSetup } from '../../platform/helmEnvironment';
import { withProgress } from '../../platform/ui';
import type { Services } from '../../services';

export type TearDownServices = Pick<Services, 'cluster' | 'log' | 'valuesFiles'>;

const UNINSTALL_TIMEOUT_SECONDS = 300;

/** `helm uninstall --wait` of each release with progress; forgets their values files. */
export async function runTearDown(services: TearDownServices, refs: ReleaseRef[]): Promise<void> {
  const { log } = services;
  const setup = await helmSetup(services);
  let done = 0;
  const result = await withProgress(
    `Tearing down ${refs.length === 1 ? refs[0].release : `${refs.length} sandboxes`}`,
    (signal, report) =>
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
    await services.valuesFiles.delete({ context: setup.snapshot.context, ...r });
  }
  if (result.failed.length) {
    for (const f of result.failed) log.error(`Could not remove ${f.release} from ${f.namespace}: ${f.error}`);
    throw new SandboxError(
      'HelmFailed',
      `Could not tear down ${result.failed.map((f) => f.release).join(', ')}: ${result.failed[0].error}`,
    );
  }
  void vscode.window.showInformationMessage(`Removed ${result.removed.map((r) => r.release).join(', ')}.`);
}
