// A tiny event emitter shaped like vscode.Event, so core objects can be listened to from adapters unchanged.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (e: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A failing listener must not break the others (they report through their own error gate).
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
