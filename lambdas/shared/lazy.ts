/**
 * A value made once, on first use, by an async step that may fail (a module load, a connection, a secret
 * read): callers share the one promise while it is pending or fulfilled; a rejection is forgotten, so the
 * next call tries again instead of failing for ever.
 */
export interface Lazy<T> {
  /** The value, made now if it was not yet (or if the last try failed). */
  get(): Promise<T>;
  /** The promise made so far, if any: for clean-up that must not make the value. */
  peek(): Promise<T> | undefined;
}

export function lazy<T>(make: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  return {
    get() {
      pending ??= make().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    peek: () => pending,
  };
}
