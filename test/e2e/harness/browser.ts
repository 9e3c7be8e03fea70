// Debian's Chromium driven by playwright-core (no browser download), headless, nothing phoning home.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, repoRoot, resultsDir } from './paths';

/** Set by `npm run screenshots`: steps marked for the README also land in media/screenshots/. */
const publishDir = process.env.K8S_SANDBOX_SCREENSHOTS ? join(repoRoot, 'media', 'screenshots') : undefined;

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: run \`sudo apt-get update && sudo apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

/** Numbered screenshots per scenario under test-results/e2e/<scenario>/. */
export class Shots {
  private n = 0;
  readonly dir: string;
  constructor(scenario: string) {
    this.dir = join(resultsDir, scenario.replace(/[^a-z0-9-]+/gi, '-').toLowerCase());
    mkdirSync(this.dir, { recursive: true });
  }
  async take(page: Page, step: string): Promise<string> {
    this.n++;
    const file = join(this.dir, `${String(this.n).padStart(2, '0')}-${step.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    // Park the pointer on the empty title bar so no hover tooltip covers the picture.
    await page.mouse.move(1100, 12).catch(() => undefined);
    await page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }
  /** A step screenshot that README also uses (media/screenshots/<name>.png when publishing). */
  async publish(page: Page, name: string): Promise<string> {
    const file = await this.take(page, name);
    if (publishDir) {
      mkdirSync(publishDir, { recursive: true });
      await page.screenshot({ path: join(publishDir, `${name}.png`) });
    }
    return file;
  }
}
