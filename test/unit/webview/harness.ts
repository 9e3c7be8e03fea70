// A page harness for the inspector webview in real Chromium: serves the panel's own HTML shell (same CSP, same
// nonce rule) from 127.0.0.1 with dist/webview.js and dist/webview.css, plus what VS Code itself would inject:
// acquireVsCodeApi (recording posted messages and state) and the theme's CSS variables.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { inspectorHtml, makeNonce } from '../../../src/core/inspector/html';
import type { HostMessage, WebviewMessage } from '../../../src/protocol/inspector';
import { launchBrowser } from '../../e2e/harness/browser';

export const ROOT = resolve(__dirname, '../../..');
export type Theme = 'light' | 'dark' | 'high-contrast';

/** Builds the webview bundle exactly as scripts/build.mjs does (browser, iife, es2022) into dist/. */
export async function buildWebview(): Promise<void> {
  await esbuild.build({
    entryPoints: { webview: join(ROOT, 'webview/main.ts') },
    outdir: join(ROOT, 'dist'),
    bundle: true,
    sourcemap: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  });
}

// VS Code sets these on the webview's root from the active theme (a small subset of the real names).
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    'settings-dropdownBackground': '#ffffff',
    'settings-dropdownForeground': '#3b3b3b',
    'settings-dropdownBorder': '#cecece',
    'settings-dropdownListBorder': '#c8c8c8',
    'settings-textInputBackground': '#ffffff',
    'settings-textInputForeground': '#3b3b3b',
    'settings-headerBorder': '#e5e5e5',
    'panelTitle-activeBorder': '#005fb8',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#3b3b3b99',
    'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000',
    'panel-background': '#f8f8f8',
    'button-hoverBackground': '#0258a8',
    'input-placeholderForeground': '#767676',
    foreground: '#3b3b3b',
    'editor-background': '#ffffff',
    descriptionForeground: '#717171',
    focusBorder: '#005fb8',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#bf8803',
    'textBlockQuote-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'sideBar-background': '#f8f8f8',
    'list-hoverBackground': '#f2f2f2',
    'editorWidget-border': '#e5e5e5',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'testing-iconPassed': '#388a34',
  },
  dark: {
    'settings-dropdownBackground': '#313131',
    'settings-dropdownForeground': '#cccccc',
    'settings-dropdownBorder': '#3c3c3c',
    'settings-dropdownListBorder': '#454545',
    'settings-textInputBackground': '#313131',
    'settings-textInputForeground': '#cccccc',
    'settings-headerBorder': '#2b2b2b',
    'panelTitle-activeBorder': '#0078d4',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff',
    'panel-background': '#181818',
    'button-hoverBackground': '#026ec1',
    'input-placeholderForeground': '#989898',
    foreground: '#cccccc',
    'editor-background': '#1f1f1f',
    descriptionForeground: '#9d9d9d',
    focusBorder: '#0078d4',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700',
    'textBlockQuote-background': '#2b2b2b',
    'panel-border': '#2b2b2b',
    'sideBar-background': '#181818',
    'list-hoverBackground': '#2a2d2e',
    'editorWidget-border': '#454545',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'testing-iconPassed': '#73c991',
  },
  'high-contrast': {
    'settings-dropdownBackground': '#000000',
    'settings-dropdownForeground': '#ffffff',
    'settings-dropdownBorder': '#6fc3df',
    'settings-dropdownListBorder': '#6fc3df',
    'settings-textInputBackground': '#000000',
    'settings-textInputForeground': '#ffffff',
    'settings-headerBorder': '#6fc3df',
    'panelTitle-activeBorder': '#6fc3df',
    'panelTitle-activeForeground': '#ffffff',
    'panelTitle-inactiveForeground': '#ffffff',
    'list-activeSelectionBackground': '#000000',
    'list-activeSelectionForeground': '#ffffff',
    'panel-background': '#000000',
    'button-hoverBackground': '#000000',
    'input-placeholderForeground': '#ffffffb3',
    foreground: '#ffffff',
    'editor-background': '#000000',
    descriptionForeground: '#ffffff',
    focusBorder: '#f38518',
    errorForeground: '#f48771',
    'editorWarning-foreground': '#ffd700',
    'textBlockQuote-background': '#000000',
    contrastBorder: '#6fc3df',
    'panel-border': '#6fc3df',
    'sideBar-background': '#000000',
    'list-hoverBackground': '#000000',
    'editorWidget-border': '#6fc3df',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'input-background': '#000000',
    'input-foreground': '#ffffff',
    'input-border': '#6fc3df',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'testing-iconPassed': '#73c991',
  },
};

function themeCss(t: Theme): string {
  const vars = Object.entries(THEMES[t])
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n');
  return `:root {\n${vars}\n  --vscode-font-family: system-ui, sans-serif;\n  --vscode-font-size: 13px;\n  --vscode-editor-font-family: monospace;\n}\n`;
}

// What VS Code's webview host provides: acquireVsCodeApi once, state that survives a reload (hide/show).
const SHIM = `
window.__posted = [];
window.__violations = [];
window.__warnings = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
const warn = console.warn.bind(console);
console.warn = (...a) => { window.__warnings.push(a.join(' ')); warn(...a); };
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi called twice');
  acquired = true;
  return {
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => { const s = sessionStorage.getItem('state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  };
};
`;

export interface Harness {
  readonly url: string;
  readonly origin: string;
  readonly browser: Browser;
  /** The CSP of the last page served (from the panel's own html builder). */
  lastCsp(): string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  let csp = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'light') as Theme;
      const nonce = makeNonce();
      let html = inspectorHtml({
        cspSource: origin,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/webview.css`,
        nonce,
        title: 'Sandbox Inspector',
      });
      csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
      const bodyClass = theme === 'high-contrast' ? 'vscode-high-contrast' : `vscode-${theme}`;
      html = html
        .replace(
          '</head>',
          `<link rel="stylesheet" href="${origin}/harness/theme-${theme}.css">\n<script nonce="${nonce}" src="${origin}/harness/shim.js"></script>\n</head>`,
        )
        .replace('<body>', `<body class="${bodyClass}" data-vscode-theme-kind="${bodyClass}">`);
      return send('text/html; charset=utf-8', html);
    }
    if (url.pathname === '/dist/webview.js')
      return send('text/javascript', readFileSync(join(ROOT, 'dist/webview.js')));
    if (url.pathname === '/dist/webview.css') return send('text/css', readFileSync(join(ROOT, 'dist/webview.css')));
    if (url.pathname === '/harness/shim.js') return send('text/javascript', SHIM);
    const theme = /^\/harness\/theme-(light|dark|high-contrast)\.css$/.exec(url.pathname);
    if (theme) return send('text/css', themeCss(theme[1] as Theme));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const browser = await launchBrowser();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    browser,
    lastCsp: () => csp,
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Plays one host message into the page, as VS Code's postMessage would deliver it. */
export async function play(page: Page, m: HostMessage | Record<string, unknown>): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
}

export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
}

/** Waits until the page rendered (a frame after the last message). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Types into the filter box as a user would (an input event), then lets the page render. */
export async function setFilter(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const el = document.getElementById('filter') as HTMLElement & { value: string };
    el.value = t;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await settle(page);
}
