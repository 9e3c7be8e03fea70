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
  /** Loopback endpoint (test/e2e/harness/control.ts) that injects faults and traffic into the sim. */
  control?: { url: string; token: string };
}

export type ControlRequest =
  | { op: 'crash'; namespace: string; pod: string; container?: string; reason: 'OOMKilled' | 'Error' }
  | { op: 'traffic'; namespace: string; pod: string; domain: string; port: number };

/** Asks the harness to act on the simulated cluster; resolves with its JSON answer. */
export async function control(req: ControlRequest): Promise<unknown> {
  const c = e2eContext().control;
  if (!c) throw new Error('the harness opened no control endpoint');
  const res = await fetch(c.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(req),
  });
  if (!res.ok) throw new Error(`control ${req.op} failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export function e2eContext(): E2EContext {
  const file = process.env.K8S_SANDBOX_E2E_CONTEXT;
  if (!file) throw new Error('K8S_SANDBOX_E2E_CONTEXT is not set: run these suites through the e2e harness');
  return JSON.parse(readFileSync(file, 'utf8')) as E2EContext;
}
