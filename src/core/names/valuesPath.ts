// Values-file paths: must be an existing regular file; a relative path is resolved against the workspace and
// may not climb out of it. Always returns an absolute path, so it can never be read as a helm option.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SandboxError } from '../errors';

export function resolveValuesPath(path: string, workspaceRoot?: string): string {
  if (typeof path !== 'string' || path.trim() === '') throw new SandboxError('InvalidInput', 'No values file given');
  if (path.includes('\0')) throw new SandboxError('InvalidInput', 'Invalid values file path');
  let abs: string;
  if (isAbsolute(path)) {
    abs = resolve(path);
  } else {
    if (!workspaceRoot) {
      throw new SandboxError('InvalidInput', `Relative values path "${path}" needs an open workspace folder`, {
        hint: 'Open the folder or pick the file with an absolute path.',
      });
    }
    const root = resolve(workspaceRoot);
    abs = resolve(root, path);
    if (!within(root, abs))
      throw new SandboxError('InvalidInput', `Values path "${path}" points outside the workspace`);
    // Symlinks may also lead out of the workspace.
    try {
      if (!within(realpathSync(root), realpathSync(abs))) {
        throw new SandboxError('InvalidInput', `Values path "${path}" points outside the workspace`);
      }
    } catch (e) {
      if (SandboxError.is(e)) throw e;
    }
  }
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new SandboxError('InvalidInput', `Values file not found: ${abs}`);
  }
  if (!st.isFile()) throw new SandboxError('InvalidInput', `Values path is not a regular file: ${abs}`);
  return abs;
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
