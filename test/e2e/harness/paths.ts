// Where the e2e harness finds and puts things. Everything it writes is git-ignored (.e2e/, test-results/).
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const fixturesDir = join(sharedDir, 'fixtures', 'agent-env-values');
export const e2eDir = join(repoRoot, '.e2e');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');
export const codeServerEntry = join(e2eDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const suiteOutDir = join(e2eDir, 'suite-out');
export const vsixPath = join(repoRoot, 'dist-vsix', 'k8s-sandbox.vsix');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const extensionId = 'k8s-sandbox.k8s-sandbox';
