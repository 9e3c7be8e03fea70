// The real VS Code end-to-end suite (run by `npm test`): one code-server session against the simulated cluster,
// layer 1 (mocha inside the extension host) then layer 2 (Playwright UI scenarios). Set K8S_SANDBOX_E2E=0 to skip
// while iterating on something else; CI never sets it.
import { strict as assert } from 'node:assert';
import { runInHostSuites } from './harness/inHost';
import { startSession, type Session } from './harness/session';
import { compileSuites } from './harness/suites';
import { startSeededCluster, type SeededCluster } from './seed';

describe('real VS Code (code-server + Chromium)', function () {
  this.timeout(300_000);
  let session: Session | undefined;
  let cluster: SeededCluster | undefined;
  let logsPrinted = false;

  before(async function () {
    if (process.env.K8S_SANDBOX_E2E === '0') this.skip();
    session = await startSession({
      cluster: async (scratch) => (cluster = await startSeededCluster(scratch)),
    });
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !session || logsPrinted) return;
    logsPrinted = true;
    process.stdout.write(`\n${session.server.collectLogs()}\n`);
  });

  after(async () => {
    await session?.close();
  });

  it('layer 1: the in-extension-host suites pass', async () => {
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
});
