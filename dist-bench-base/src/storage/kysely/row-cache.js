/** Per table; a table that outgrows it starts over (a flood of distinct keys must not hold memory). */
const DEFAULT_CAPACITY = 10_000;
/**
 * Committed rows of the rarely written tables, kept per process on SQLite: each request read its
 * token, its identity twice, its entitlement and target twice, each a statement through Kysely's
 * executor. Only reads outside a transaction use it (a transaction must see its own writes), and
 * only rows that exist are kept (an unknown token must not fill memory).
 *
 * It never serves a row older than the database's, which is what makes a revoked token or a
 * deactivated identity stop working at once:
 * - writes through this process forget everything (`forget`, from each repository write path);
 *   a read that was under way when one happened does not store what it read;
 * - writes by other connections (another process on the same file) show as a change of
 *   `PRAGMA data_version`, checked before every lookup, and forget everything too.
 * PostgreSQL has no such cheap signal from other nodes, so it is not cached there.
 */
export class RowCache {
    #tables = new Map();
    #dataVersion;
    #capacity;
    #seenVersion;
    #generation = 0;
    constructor(dataVersion, capacity = DEFAULT_CAPACITY) {
        this.#dataVersion = dataVersion;
        this.#capacity = capacity;
        this.#seenVersion = dataVersion();
    }
    /** The row under `key`, from memory or from `load` (a read outside any transaction). */
    async read(table, key, load) {
        const version = this.#dataVersion();
        if (version !== this.#seenVersion) {
            this.#seenVersion = version;
            this.forget();
        }
        const rows = this.#rowsOf(table);
        const hit = rows.get(key);
        if (hit !== undefined)
            return hit;
        const generation = this.#generation;
        const row = await load();
        // A write in between may have changed what was read; the next read goes to the database.
        if (row === undefined || generation !== this.#generation)
            return row;
        if (rows.size >= this.#capacity)
            rows.clear();
        rows.set(key, row);
        return row;
    }
    /** After any write to a cached table: nothing remembered survives it. */
    forget() {
        this.#generation++;
        for (const rows of this.#tables.values())
            rows.clear();
    }
    #rowsOf(table) {
        let rows = this.#tables.get(table);
        if (rows === undefined) {
            rows = new Map();
            this.#tables.set(table, rows);
        }
        return rows;
    }
}
/** `load` through the scope's cache when it has one and is outside a transaction, else `load`. */
export function readCached(scope, table, key, load) {
    return scope.rows !== undefined && scope.transactional !== true
        ? scope.rows.read(table, key, load)
        : load();
}
