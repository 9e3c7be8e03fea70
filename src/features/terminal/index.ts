// Terminals on sandbox pods (a shell, logs): what other features may open.
export { openPodTerminal, type TerminalOptions, type TerminalTarget } from './podTerminal';
export { openLogTerminal, type LogTerminalOptions } from './logTerminal';
export { sandboxTerminalTarget } from './sandboxTerminals';
