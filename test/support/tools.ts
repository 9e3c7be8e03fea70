// The one place tests find the real helm and kubectl binaries (installed by `npm run tools`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const toolsDir = join(__dirname, '..', '..', '.tools');

export const helmVersions = ['3.18.0', '4.1.4'] as const;
export const kubectlVersions = ['1.33.0', '1.35.2'] as const;
export type HelmVersion = (typeof helmVersions)[number];
export type KubectlVersion = (typeof kubectlVersions)[number];

function binary(name: string, version: string): string {
  const file = join(toolsDir, `${name}-${version}`, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run tools\` first`);
  return file;
}

export const helmBinary = (v: HelmVersion): string => binary('helm', v);
export const kubectlBinary = (v: KubectlVersion): string => binary('kubectl', v);

/**
 * A Python 3 that imports the official `kubernetes` client (Debian's python3-kubernetes lives in the system
 * interpreter, not in a pyenv or venv one that may come first on PATH).
 */
export function pythonWithKubernetes(): string {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import kubernetes'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  throw new Error('no python3 with the kubernetes client: install python3-kubernetes (apt) first');
}
