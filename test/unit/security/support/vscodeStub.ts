// A minimal `vscode` module for loading the real platform code (log channel, error gate, services) in plain
// mocha, recording every line written to an output channel and every message shown to the user.
import Module from 'node:module';

export interface Recorded {
  /** Every line written to any output channel, with its level. */
  channel: string[];
  /** Every message shown (error/warning/information). */
  shown: string[];
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Picks the button for a shown message (undefined: dismissed, as a user closing the dialog). */
export type Answer = (message: string, buttons: string[]) => string | undefined;

// One stub object for the whole run: modules that loaded it stay bound to it (the require cache), so each test
// gets the same object with its own settings, answers and a fresh record.
let current: { settings: Record<string, unknown>; answer: Answer; recorded: Recorded } = {
  settings: {},
  answer: () => undefined,
  recorded: { channel: [], shown: [] },
};

const channel = (name: string) => {
  const rec = (level: string) => (m: string) => void current.recorded.channel.push(`[${name}] ${level} ${m}`);
  return {
    name,
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    debug: rec('debug'),
    trace: rec('trace'),
    append: rec('append'),
    appendLine: rec('line'),
    replace: rec('replace'),
    show: () => undefined,
    hide: () => undefined,
    clear: () => undefined,
    dispose: () => undefined,
  };
};
const show = (m: string, ...rest: unknown[]) => {
  current.recorded.shown.push(m);
  return Promise.resolve(
    current.answer(
      m,
      rest.filter((x): x is string => typeof x === 'string'),
    ),
  );
};
const withProgress = (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
  task(
    { report: () => undefined },
    { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) },
  );
const event = () => ({ dispose: () => undefined });
const stub = {
  window: {
    createOutputChannel: channel,
    showErrorMessage: show,
    showWarningMessage: show,
    showInformationMessage: show,
    withProgress,
  },
  ProgressLocation: { Notification: 15 },
  workspace: {
    getConfiguration: () => ({ get: (k: string, d: unknown) => current.settings[k] ?? d }),
    onDidChangeConfiguration: event,
  },
  commands: { executeCommand: () => Promise.resolve(undefined) },
  env: { openExternal: () => Promise.resolve(true) },
  Uri: { parse: (s: string) => ({ toString: () => s }) },
  CancellationError: class CancellationError extends Error {},
};

export function installVscodeStub(
  settings: Record<string, unknown>,
  answer: Answer = () => undefined,
): { recorded: Recorded; uninstall(): void } {
  current = { settings, answer, recorded: { channel: [], shown: [] } };
  const mod = Module as unknown as { _load: Loader };
  const real = mod._load;
  mod._load = function (request, parent, isMain) {
    if (request === 'vscode') return stub;
    return real.call(this, request, parent, isMain);
  };
  return {
    recorded: current.recorded,
    uninstall: () => {
      mod._load = real;
    },
  };
}
