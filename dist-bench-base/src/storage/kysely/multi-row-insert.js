import { CompiledQuery } from 'kysely';
/** Rows per statement at most: 500 rows of 10 columns stay far below both engines' bind limits. */
export const MAX_ROWS_PER_INSERT = 500;
/** Remainders above this are cut into these sizes first, so few statement shapes are compiled. */
const EXACT_UP_TO = 64;
const LARGE_CHUNKS = [256, 128, 64];
const MARK = '\u0000hourglass-row:';
/**
 * The row counts a batch of `n` rows is written in: full statements of MAX_ROWS_PER_INSERT, then
 * the rest in one statement when small (the common case: a transaction's few events), else in a
 * few power-of-two pieces, so the compiled shapes stay bounded (about 70 per engine) however the
 * batch sizes vary.
 */
export function chunkSizes(n) {
    const sizes = [];
    let left = n;
    while (left >= MAX_ROWS_PER_INSERT) {
        sizes.push(MAX_ROWS_PER_INSERT);
        left -= MAX_ROWS_PER_INSERT;
    }
    while (left > EXACT_UP_TO) {
        const size = LARGE_CHUNKS.find((c) => c <= left) ?? EXACT_UP_TO;
        sizes.push(size);
        left -= size;
    }
    if (left > 0)
        sizes.push(left);
    return sizes;
}
/**
 * A multi-row INSERT into one table with fixed columns, compiled by Kysely once per engine and
 * row count (as PreparedStatement does for one row: markers in place of the values keep Kysely's
 * parameter order), then bound afresh. Rows go in order; each statement sees the rows before it.
 */
export class MultiRowInsert {
    #table;
    #columns;
    #compiled = new Map();
    /** With a key: rows whose key is taken are skipped (`on conflict (key) do nothing`). */
    #skipTaken;
    constructor(table, columns, options = {}) {
        this.#table = table;
        this.#columns = columns;
        this.#skipTaken = options.skipTaken;
    }
    async execute(scope, rows) {
        let at = 0;
        for (const size of chunkSizes(rows.length)) {
            const compiled = this.#compiledFor(scope, size);
            const parameters = compiled.slots.map((s) => 'row' in s
                ? (rows[at + s.row][s.column] ?? null)
                : s.value);
            at += size;
            if (scope.direct)
                scope.direct.run(compiled.sql, parameters);
            else
                await scope.db.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
        }
    }
    #compiledFor(scope, size) {
        const key = `${scope.engine}:${size}`;
        let compiled = this.#compiled.get(key);
        if (compiled !== undefined)
            return compiled;
        const markers = Array.from({ length: size }, (_, row) => Object.fromEntries(this.#columns.map((c) => [c, `${MARK}${row}:${c}`])));
        const skipTaken = this.#skipTaken;
        const insert = scope.db.insertInto(this.#table).values(markers);
        const query = (skipTaken ? insert.onConflict((oc) => oc.columns(skipTaken).doNothing()) : insert).compile();
        const slots = query.parameters.map((p) => {
            if (typeof p !== 'string' || !p.startsWith(MARK))
                return { value: p };
            const [row, column] = p.slice(MARK.length).split(':');
            return { row: Number(row), column };
        });
        // Every value must have reached a placeholder, or a column would be silently dropped.
        if (slots.filter((s) => 'row' in s).length !== size * this.#columns.length) {
            throw new Error(`multi-row insert into ${this.#table} lost a value`);
        }
        compiled = { sql: query.sql, slots };
        this.#compiled.set(key, compiled);
        return compiled;
    }
}
