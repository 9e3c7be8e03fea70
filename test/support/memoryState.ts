// An in-memory vscode.Memento for tests that build the extension's services outside VS Code.
import type { StateStore } from '../../src/valuesFiles';

export class MemoryState implements StateStore {
  readonly data = new Map<string, unknown>();

  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
    return Promise.resolve();
  }
}
