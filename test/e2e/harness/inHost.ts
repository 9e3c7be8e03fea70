// Layer 1: runs mocha inside the real extension host, the way @vscode/test-web does. The workbench URL carries a
// `payload` with extensionDevelopmentPath/extensionTestsPath (vscode-remote URIs); the host calls the module's
// run(), then the page calls window.codeAutomationExit(code). Host console output arrives via codeAutomationLog.
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import { newPage, Shots } from './browser';
import type { CodeServer } from './codeServer';

export interface InHostResult {
  exitCode: number;
  output: string[];
}

function formatArgs(args: unknown): string {
  // The host forwards console.log's arguments as-is (mocha passes printf-style formats).
  const list: unknown[] = Array.isArray(args) ? args : [args];
  return format(...list);
}

export async function runInHostSuites(
  server: CodeServer,
  browser: Browser,
  suiteIndex: string,
  timeoutMs = 240_000,
): Promise<InHostResult> {
  const page = await newPage(browser);
  const shots = new Shots('in-host-suites');
  const output: string[] = [];
  let finish!: (code: number) => void;
  const exited = new Promise<number>((r) => (finish = r));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const line = formatArgs(args);
    output.push(type === 'error' ? `[error] ${line}` : line);
    if (process.env.E2E_VERBOSE) process.stdout.write(`  [host] ${line}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
  const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(server.installedExtension)],
    ['extensionTestsPath', remote(suiteIndex)],
  ]);
  try {
    await page.goto(server.workbenchUrl({ payload }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`in-host suites did not finish in ${timeoutMs} ms`)), timeoutMs);
    });
    const exitCode = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    return { exitCode, output };
  } finally {
    await shots.take(page, 'end');
    await page.context().close();
  }
}
