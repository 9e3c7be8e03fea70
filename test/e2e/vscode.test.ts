// The real VS Code end-to-end suite (run by `npm test`): one code-server session against the simulated cluster,
// layer 1 (mocha inside the extension host) then layer 2 (Playwright UI scenarios). Set K8S_SANDBOX_E2E=0 to skip
// while iterating on something else; CI never sets it.
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { newPage, Shots } from './harness/browser';
import { runInHostSuites } from './harness/inHost';
import { startSession, type Session } from './harness/session';
import { compileSuites } from './harness/suites';
import { openWorkbench, widenSidebar } from './harness/workbench';
import type { ScenarioEnv } from './scenarios/env';
import { inspectorScenario } from './scenarios/inspector';
import { installTearDownScenario } from './scenarios/installTearDown';
import { lintProblemsScenario } from './scenarios/lintProblems';
import { sandboxesViewScenario } from './scenarios/sandboxesView';
import { terminalScenario } from './scenarios/terminal';
import { unreachableScenario } from './scenarios/unreachable';
import { evalTreeScenario } from './scenarios/evalTree';
import { startSeededCluster, type SeededCluster } from './seed';

/** K8S_SANDBOX_E2E_ONLY=evalTree,terminal runs only those parts (names below; `layer1` for the in-host suites). */
const only = process.env.K8S_SANDBOX_E2E_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const want = (name: string): boolean => !only?.length || only.includes(name);

describe('real VS Code (code-server + Chromium)', function () {
  this.timeout(300_000);
  let session: Session | undefined;
  let cluster: SeededCluster | undefined;
  let page: Page | undefined;
  let logsPrinted = false;
  const failureShots = new Shots('failures');
  const env: ScenarioEnv = {
    session: () => must(session, 'session'),
    cluster: () => must(cluster, 'cluster'),
    page: () => must(page, 'page'),
  };

  before(async function () {
    if (process.env.K8S_SANDBOX_E2E === '0') this.skip();
    session = await startSession({
      cluster: async (scratch) => (cluster = await startSeededCluster(scratch, { control: true, evals: true })),
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !session) return;
    if (page) await failureShots.take(page, this.currentTest.fullTitle());
    if (logsPrinted) return;
    logsPrinted = true;
    process.stdout.write(`\n${session.server.collectLogs()}\n`);
  });

  after(async () => {
    await session?.close();
  });

  (want('layer1') ? it : it.skip)('layer 1: the in-extension-host suites pass', async () => {
    assert.ok(session?.browser);
    const result = await runInHostSuites(session.server, session.browser, compileSuites());
    const text = result.output.join('\n');
    // Print mocha's report from the host (skipping the workbench's connection chatter before it).
    const first = result.output.findIndex((l) => /^ {2}\S/.test(l));
    const report = result.exitCode !== 0 || first < 0 ? text : result.output.slice(first).join('\n');
    process.stdout.write(`${report.replace(/^/gm, '      ')}\n`);
    assert.equal(result.exitCode, 0, 'in-host mocha reported failures (output above)');
    assert.match(text, /\d+ passing/, 'in-host mocha ran no test');
  });

  describe('layer 2: UI scenarios (Playwright)', () => {
    before(async () => {
      page = await newPage(must(env.session().browser, 'browser'));
      await openWorkbench(page, env.session().server);
    });
    after(async () => {
      await page?.context().close();
    });
    // Each scenario starts from a calm workbench: no menu, quick input or dialog left open by the one before.
    beforeEach(async () => {
      for (let i = 0; i < 3; i++) await env.page().keyboard.press('Escape');
    });

    // First, at VS Code's default side bar width: what a new user sees.
    if (want('evalTree')) evalTreeScenario(env);
    describe('with a wide side bar', () => {
      before(async () => {
        await widenSidebar(env.page(), 560);
      });
      if (want('sandboxesView')) sandboxesViewScenario(env);
      if (want('terminal')) terminalScenario(env);
      if (want('lintProblems')) lintProblemsScenario(env);
      if (want('installTearDown')) installTearDownScenario(env);
      if (want('inspector')) inspectorScenario(env);
      // Last: it stops and restarts the API server under every watch.
      if (want('unreachable')) unreachableScenario(env);
    });
  });
});

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`e2e ${what} is not running (see the before hook's error)`);
  return v;
}
