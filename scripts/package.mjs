// Packages the extension as dist-vsix/k8s-sandbox.vsix. Plain `vsce package` does the same: vscode:prepublish builds
// the production bundles and package.json's "vsce" key turns off the node_modules walk (the bundles carry all runtime code).
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

mkdirSync('dist-vsix', { recursive: true });
const r = spawnSync(
  process.execPath,
  ['node_modules/@vscode/vsce/vsce', 'package', '--out', 'dist-vsix/k8s-sandbox.vsix'],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
