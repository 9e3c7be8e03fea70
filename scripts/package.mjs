// Packages the extension as dist-vsix/k8s-sandbox.vsix (offline; bundles carry all runtime code).
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

mkdirSync('dist-vsix', { recursive: true });
const r = spawnSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', 'dist-vsix/k8s-sandbox.vsix'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
