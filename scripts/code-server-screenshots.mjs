// `npm run screenshots`: runs the real VS Code e2e suite with publishing on, so the README screenshots in
// media/screenshots/ are exactly what the UI scenarios saw.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mocha = join(root, 'node_modules', '.bin', 'mocha');
const r = spawnSync(mocha, ['--no-config', '--require', 'tsx/cjs', '--timeout', '20000', 'test/e2e/vscode.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, K8S_SANDBOX_SCREENSHOTS: '1' },
});
process.exit(r.status ?? 1);
