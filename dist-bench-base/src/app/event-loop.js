/**
 * Lets timers, I/O and HTTP run before the caller goes on. On SQLite every store await resolves
 * at once, so long work without these turns would hold the event loop for its whole length.
 */
export function yieldToEventLoop() {
    return new Promise((resolve) => setImmediate(resolve));
}
