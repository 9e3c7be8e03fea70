// Finding helm: the configured path, else the first `helm` on PATH; its version is detected once per path.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { SandboxError } from '../errors';
import { versionCommand, type HelmBinary } from './commands';
import { HELM_INSTALL_HINT, runProcess } from './runner';

export function findHelm(
  configuredPath: string | undefined,
  envPath: string | undefined,
  platform = process.platform,
): string {
  const configured = configuredPath?.trim();
  if (configured) {
    if (!isAbsolute(configured)) {
      throw new SandboxError('HelmNotFound', `k8sSandbox.helmPath must be an absolute path (got "${configured}")`, {
        hint: HELM_INSTALL_HINT,
      });
    }
    if (!isExecutable(configured)) {
      throw new SandboxError('HelmNotFound', `k8sSandbox.helmPath "${configured}" is not an executable file`, {
        hint: HELM_INSTALL_HINT,
      });
    }
    return configured;
  }
  const names = platform === 'win32' ? ['helm.exe', 'helm'] : ['helm'];
  for (const dir of (envPath ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // relative PATH entries depend on the cwd: skip them
    for (const n of names) {
      const p = join(dir, n);
      if (isExecutable(p)) return p;
    }
  }
  throw new SandboxError('HelmNotFound', 'helm was not found on PATH', { hint: HELM_INSTALL_HINT });
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const cache = new Map<string, Promise<HelmBinary>>();

/** `helm version --short`, once per path. helm older than 3.13 lacks `--labels` and is refused. */
export function detectHelm(path: string): Promise<HelmBinary> {
  let p = cache.get(path);
  if (!p) {
    p = (async () => {
      const cmd = versionCommand(path);
      const out = await runProcess(cmd);
      if (out.code !== 0)
        throw new SandboxError('HelmNotFound', `${path} version failed: ${out.stderr.trim()}`, {
          hint: HELM_INSTALL_HINT,
        });
      const v = cmd.parse(out.stdout);
      if (v.major < 3 || (v.major === 3 && v.minor < 13)) {
        throw new SandboxError(
          'HelmNotFound',
          `helm ${v.version} is too old (3.13 or newer needed for release labels)`,
          { hint: HELM_INSTALL_HINT },
        );
      }
      return { path, ...v };
    })();
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}
