// What the harness tells the in-host suites (a JSON file named by K8S_SANDBOX_E2E_CONTEXT in the server's env).
import { readFileSync } from 'node:fs';

export interface E2EContext {
  /** Which VS Code runs the suites: code-server (CI) or desktop Electron (npm run test:electron). */
  host: 'code-server' | 'electron';
  kubeconfig?: string;
  fixturesDir: string;
  workspace: string;
  helmPath: string;
  /** Releases the harness seeded into the simulated cluster: namespace/release -> pods. */
  seeded: { namespace: string; release: string; pods: string[] }[];
}

export function e2eContext(): E2EContext {
  const file = process.env.K8S_SANDBOX_E2E_CONTEXT;
  if (!file) throw new Error('K8S_SANDBOX_E2E_CONTEXT is not set: run these suites through the e2e harness');
  return JSON.parse(readFileSync(file, 'utf8')) as E2EContext;
}
