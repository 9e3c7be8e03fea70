// `npm run test:electron`: the same in-extension-host suites (test/e2e/suite) in desktop VS Code via
// @vscode/test-electron, for people with a display and network (it downloads VS Code). Not the CI path: CI runs
// them in code-server (test/e2e/vscode.test.ts), which needs no download.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { baseSettings } from '../e2e/harness/codeServer';
import { fixturesDir, repoRoot } from '../e2e/harness/paths';
import { makeWorkspace } from '../e2e/harness/session';
import { compileSuites } from '../e2e/harness/suites';
import { startSeededCluster } from '../e2e/seed';
import type { E2EContext } from '../e2e/suite/context';
import { helmBinary } from '../support/tools';

async function main(): Promise<number> {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  const suiteIndex = compileSuites();
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-sandbox-electron-'));
  const cluster = await startSeededCluster(scratch, { control: true });
  try {
    const workspace = makeWorkspace(join(scratch, 'workspace'));
    const helmPath = helmBinary('3.18.0');
    const context: E2EContext = {
      host: 'electron',
      kubeconfig: cluster.kubeconfig,
      fixturesDir,
      workspace,
      helmPath,
      seeded: cluster.seeded,
      control: cluster.control,
    };
    const contextFile = join(scratch, 'e2e-context.json');
    writeFileSync(contextFile, JSON.stringify(context));
    const userData = join(scratch, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    const settings = { ...baseSettings, 'k8sSandbox.kubeconfig': cluster.kubeconfig, 'k8sSandbox.helmPath': helmPath };
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    return await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteIndex,
      extensionTestsEnv: { K8S_SANDBOX_E2E_CONTEXT: contextFile, KUBECONFIG: cluster.kubeconfig },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        userData,
        '--extensions-dir',
        join(scratch, 'extensions'),
      ],
    });
  } finally {
    await cluster.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`test:electron failed: ${e.message}`);
    if (/download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|fetch/i.test(String(e.message))) {
      console.error(
        'VS Code could not be downloaded (offline?). The CI path is `npm test`, which runs these suites in code-server.',
      );
    }
    process.exit(1);
  },
);
