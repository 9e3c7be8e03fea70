// What a person does in the workbench, as Playwright steps on the real DOM (selectors verified on VS Code 1.100).
import type { Locator, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';

export async function openWorkbench(page: Page, server: CodeServer): Promise<void> {
  await page.goto(server.workbenchUrl());
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The explorer shows the folder once the remote connection and file service are up.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');

/** F1, type the command's title, pick the row whose label is exactly the title (category shown as prefix). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await dismissQuickInput(page);
  await page.keyboard.press('F1');
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

export async function dismissQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) await page.keyboard.press('Escape');
}

/** Rows of the open quick pick / input box. */
export function quickPickRows(page: Page): Locator {
  return quickInput(page).locator('.quick-input-list .monaco-list-row');
}

export async function pickQuickItem(page: Page, text: string | RegExp): Promise<void> {
  const row = quickPickRows(page).filter({ hasText: text }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Types `filter` into the open quick pick and clicks the row whose label is exactly `label`. */
export async function answerQuickPick(page: Page, filter: string, label: string): Promise<void> {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(filter);
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = quickPickRows(page)
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Types into the open quick input (input box or quick pick filter) and accepts with Enter. */
export async function answerInput(page: Page, value: string): Promise<void> {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await page.keyboard.press('Enter');
}

export function activityBarItem(page: Page, title: string): Locator {
  return page
    .locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item[aria-label^="${title}"]`)
    .first();
}

/** A view's tree: custom views render a `.monaco-list[role=tree]` labelled with the view's name. */
export function tree(page: Page, viewName: string): Locator {
  return page.locator(`.monaco-list[role="tree"][aria-label="${viewName}"]`).first();
}

export function treeRows(page: Page, viewName: string): Locator {
  return tree(page, viewName).locator('.monaco-list-row');
}

/** The tree row whose label matches; `.label-name` holds the label, `.label-description` the description. */
export function treeRow(page: Page, viewName: string, label: string | RegExp): Locator {
  return treeRows(page, viewName)
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first();
}

/** "label — description" of every visible row, for assertions and failure messages. */
export async function treeTexts(page: Page, viewName: string): Promise<string[]> {
  return treeRows(page, viewName).evaluateAll((rows) =>
    rows.map((r) => {
      const name = r.querySelector('.label-name')?.textContent ?? '';
      const desc = r.querySelector('.label-description')?.textContent ?? '';
      return desc ? `${name} — ${desc}` : name;
    }),
  );
}

export async function expandRow(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

export function notifications(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast');
}

export function notification(page: Page, text: string | RegExp): Locator {
  return notifications(page).filter({ hasText: text }).first();
}

/** Text of the visible terminal (DOM renderer: terminal.integrated.gpuAcceleration off). */
export async function terminalText(page: Page): Promise<string> {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows, .terminal .xterm-rows').last();
  return (await rows.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
}

/** Polls a probe until it returns a truthy value (UI updates are asynchronous). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Clicks until the probe holds. A tree row's command is re-issued by VS Code whenever the row refreshes; a click that
 * lands between the two is dropped ("Actual command not found" in the extension host log), as a user would see it
 * do nothing and click again.
 */
export async function clickUntil<T>(
  target: Locator,
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  attempts = 3,
): Promise<T> {
  for (let i = 1; ; i++) {
    await target.click();
    try {
      return await until(what, probe, i < attempts ? 8_000 : 20_000);
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

/**
 * Hovers `target` until a hover containing `text` shows. A row re-rendered by a live update while the pointer
 * rests on it loses its hover (VS Code shows it again only on a new mouse-over), so move away and back.
 */
export async function hoverUntil(page: Page, target: Locator, text: string, attempts = 3): Promise<Locator> {
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: text }).first();
  for (let i = 1; ; i++) {
    await page.mouse.move(0, 0);
    await target.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: i < attempts ? 6_000 : 15_000 });
      return hover;
    } catch (e) {
      if (i >= attempts) {
        const shown = await page.locator('.workbench-hover, .monaco-hover').allInnerTexts();
        throw new Error(`${(e as Error).message}\nhovers shown: ${JSON.stringify(shown)}`);
      }
    }
  }
}

export async function waitForTerminalText(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return until(
    `terminal text ${pattern}`,
    async () => {
      const t = await terminalText(page);
      return pattern.test(t) ? t : undefined;
    },
    timeoutMs,
  );
}

/** Opens a workspace file through Quick Open (Ctrl+P), as a person would. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await dismissQuickInput(page);
  await page.keyboard.press('Control+P');
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const base = relativePath.split('/').pop() ?? relativePath;
  await quickPickRows(page).filter({ hasText: base }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${base}"]`).first().waitFor({ state: 'visible' });
}

/** Rows of the Problems panel (opened through its command). */
export async function problems(page: Page): Promise<Locator> {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible' });
  return panel.locator('.monaco-list-row');
}

/**
 * Right-click `target`, then choose `item` in the context menu. A row re-rendered by a live update under the pointer
 * can swallow the right-click (no menu, or a menu of the row it was): close it and right-click again.
 */
export async function contextMenu(page: Page, target: Locator, item: string | RegExp, attempts = 3): Promise<void> {
  await openMenuUntil(page, () => target.click({ button: 'right' }), item, attempts);
  await chooseMenuEntry(page, item);
}

/**
 * The view title's "…" menu (a single view's title sits in the side bar's: "Views and More Actions..."; a pane's
 * header has "More Actions..."), then `item`.
 */
export async function viewTitleMenu(page: Page, item: string | RegExp, attempts = 3): Promise<void> {
  const more = page
    .locator(
      '.part.sidebar .composite.title .action-label[aria-label^="Views and More Actions"], ' +
        '.part.sidebar .pane-header .action-label[aria-label^="More Actions"]',
    )
    .first();
  await openMenuUntil(
    page,
    async () => {
      // Title actions of a pane show while the pointer is over the view.
      await page
        .locator('.part.sidebar')
        .hover()
        .catch(() => undefined);
      await more.click();
    },
    item,
    attempts,
  );
  await chooseMenuEntry(page, item);
}

const menuEntry = (page: Page, item: string | RegExp): Locator =>
  page.locator('.monaco-menu .action-item', { hasText: item }).first();

/** Opens a menu until it offers `item` (Escape between tries); the error lists what the last menu offered. */
async function openMenuUntil(
  page: Page,
  open: () => Promise<void>,
  item: string | RegExp,
  attempts: number,
): Promise<void> {
  const entry = menuEntry(page, item);
  for (let i = 1; ; i++) {
    await open();
    try {
      await entry.waitFor({ state: 'visible', timeout: i < attempts ? 5_000 : 15_000 });
      return;
    } catch (e) {
      const offered = await page.locator('.monaco-menu .action-item .action-label').allInnerTexts();
      if (i >= attempts)
        throw new Error(`${(e as Error).message}
menu entries: ${JSON.stringify(offered)}`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Clicks `item` in the open menu, retrying until the menu closes (it ignores a click while it is still opening). */
async function chooseMenuEntry(page: Page, item: string | RegExp): Promise<void> {
  const entry = menuEntry(page, item);
  await until(`menu entry ${item} to run`, async () => {
    if (!(await entry.isVisible())) return true;
    await entry
      .locator('.action-menu-item')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    return !(await entry.isVisible());
  });
}

/** Drags the side bar's edge so tree descriptions are readable in screenshots. */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** A view's title-bar action (icon) by its title; a single view's actions sit in the side bar's title. */
export async function clickViewTitleAction(page: Page, title: string): Promise<void> {
  const sel = `.action-label[aria-label^="${title}"]`;
  const action = page.locator(`.part.sidebar .composite.title ${sel}, .part.sidebar .pane-header ${sel}`).first();
  // Title actions of a pane show while the pointer is over the view.
  await page
    .locator('.part.sidebar')
    .hover()
    .catch(() => undefined);
  await action.waitFor({ state: 'visible' });
  await action.click();
}

/** Whether a tree row is selected (what reveal({ select: true }) does). */
export async function isSelected(row: Locator): Promise<boolean> {
  return (await row.getAttribute('aria-selected')) === 'true';
}

/**
 * The clipboard's text as VS Code reads it: pasted (Ctrl+V) into a new untitled editor, which is then reverted and
 * closed. Chromium lets the page use the async clipboard only with the clipboard permissions granted.
 */
export async function pasteClipboard(page: Page): Promise<string> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await runCommand(page, 'File: New Untitled Text File');
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.waitFor({ state: 'visible' });
  await editor.click();
  await page.keyboard.press('Control+V');
  const lines = editor.locator('.view-lines');
  const text = await until('the pasted text', async () => {
    const t = ((await lines.innerText()) ?? '').replace(/\u00a0/g, ' ').trim();
    return t || undefined;
  });
  await runCommand(page, 'View: Revert and Close Editor');
  return text;
}

/**
 * The terminal panel's tab of the terminal whose name contains `name`: a row of the tab list (two or more terminals)
 * or, for a single terminal, the tab in the panel's title.
 */
export function terminalTab(page: Page, name: string): Locator {
  return page
    .locator('.part.panel .single-terminal-tab, .part.panel .tabs-list .monaco-list-row')
    .filter({ hasText: name, visible: true })
    .first();
}

/**
 * A terminal tab's context menu: a tab-list row opens it on a right-click; the single tab in the panel's title opens
 * it on a click (a right-click there gets the title toolbar's own menu: Configure Keybinding, Hide, …).
 */
async function openTerminalTabMenu(tab: Locator): Promise<void> {
  const single = ((await tab.getAttribute('class')) ?? '').split(/\s+/).includes('single-terminal-tab');
  await tab.click(single ? {} : { button: 'right' });
}

/** Chooses `item` in the context menu of the terminal tab whose name contains `name`. */
export async function terminalTabMenu(page: Page, name: string, item: string | RegExp, attempts = 3): Promise<void> {
  await openMenuUntil(page, () => openTerminalTabMenu(terminalTab(page, name)), item, attempts);
  await chooseMenuEntry(page, item);
}

/** The labels of the terminal tab's context menu once it offers `ready` (then closes it). */
export async function terminalTabMenuLabels(page: Page, name: string, ready: string | RegExp): Promise<string[]> {
  await openMenuUntil(page, () => openTerminalTabMenu(terminalTab(page, name)), ready, 3);
  const labels = await page.locator('.monaco-menu .action-item .action-label').allInnerTexts();
  await page.keyboard.press('Escape');
  return labels.map((l) => l.trim()).filter(Boolean);
}
