/** Enough for every distinct statement the repositories compile, with room for IN-list variants. */
const DEFAULT_CAPACITY = 1_000;
/**
 * Kysely's SQLite driver calls `prepare` for every query, and better-sqlite3 keeps no cache:
 * preparing costs more than running most of our one-row statements. Kysely compiles a given
 * query shape to the same SQL text with `?` placeholders, so text → statement is a safe key.
 * A statement still iterating (a streamed query) is busy and cannot be re-entered, so a fresh
 * one is prepared for that call instead. SQLite re-prepares a cached statement by itself when
 * the schema changes under it (a migration).
 */
export function withStatementCache(db, capacity = DEFAULT_CAPACITY) {
    const cache = new Map();
    return {
        get inTransaction() {
            return db.inTransaction;
        },
        close: () => {
            cache.clear();
            db.close();
        },
        prepare: (sql) => {
            const hit = cache.get(sql);
            if (hit !== undefined && !hit.busy)
                return hit;
            const statement = db.prepare(sql);
            if (hit === undefined) {
                // Least recently added goes first: a simple bound, since the working set is small.
                if (cache.size >= capacity) {
                    const oldest = cache.keys().next();
                    if (oldest.done !== true)
                        cache.delete(oldest.value);
                }
                cache.set(sql, statement);
            }
            return statement;
        },
    };
}
