/**
 * One lifetime pattern for every listener the backend adds to something that outlives it:
 * registering returns a Disposable, and whoever registered disposes it when its own life
 * ends (as VS Code and podman-desktop do). A listener nobody can remove keeps what it
 * closes over alive (a closed terminal's scrollback, with its PTY) as long as the source.
 */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `fn` once, however often it is disposed. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposables owned together, disposed together (newest first). */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = [...this.items].reverse();
    this.items.clear();
    for (const item of items) item.dispose();
  }
}

/** Listeners of one signal (a window going away): each added one can be removed. */
export class Listeners {
  private readonly set = new Set<() => void>();

  get size(): number {
    return this.set.size;
  }

  add(listener: () => void): Disposable {
    const entry = () => listener();
    this.set.add(entry);
    return toDisposable(() => this.set.delete(entry));
  }

  /** Calls each once and forgets them all. */
  fire(): void {
    const all = [...this.set];
    this.set.clear();
    for (const l of all) l();
  }
}
