import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, } from 'kysely';
import { KyselyStore } from '../../src/storage/kysely/kysely-store.js';
/**
 * A PostgreSQL store whose statements go nowhere but into a list, so a bulk seed can write the
 * very rows the store's repositories produce (their row mapping is private to them) instead of
 * a copy of that mapping that could drift from it.
 */
export function rowRecorder() {
    const sink = [];
    const db = new Kysely({
        dialect: {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new RecordingDriver(sink),
            createIntrospector: (k) => new PostgresIntrospector(k),
            createQueryCompiler: () => new PostgresQueryCompiler(),
        },
    });
    return {
        store: new KyselyStore(db, 'postgres'),
        take() {
            const rows = sink.map(rowOf);
            sink.length = 0;
            return rows;
        },
    };
}
const INSERT = /^insert into "(\w+)" \(([^)]*)\) values \(([^)]*)\)$/;
/** Only single-row inserts of bound values are understood; anything else is a loud failure. */
function rowOf(query) {
    const match = INSERT.exec(query.sql);
    const columns = match?.[2]?.split(', ').map((c) => c.replace(/^"|"$/g, ''));
    const placeholders = match?.[3]?.split(', ');
    if (!match?.[1] ||
        !columns ||
        placeholders?.length !== columns.length ||
        placeholders.some((p, i) => p !== `$${i + 1}`) ||
        query.parameters.length !== columns.length) {
        throw new Error(`the store wrote a statement the bulk seed cannot mirror: ${query.sql}`);
    }
    const values = {};
    columns.forEach((column, i) => {
        values[column] = query.parameters[i];
    });
    return { table: match[1], columns, values };
}
class RecordingDriver {
    #connection;
    constructor(sink) {
        this.#connection = {
            executeQuery(query) {
                if (/^(insert|update|delete|select)\b/i.test(query.sql))
                    sink.push(query);
                return Promise.resolve({ rows: [] });
            },
            streamQuery() {
                throw new Error('the row recorder does not stream');
            },
        };
    }
    init() {
        return Promise.resolve();
    }
    acquireConnection() {
        return Promise.resolve(this.#connection);
    }
    beginTransaction() {
        return Promise.resolve();
    }
    commitTransaction() {
        return Promise.resolve();
    }
    rollbackTransaction() {
        return Promise.resolve();
    }
    releaseConnection() {
        return Promise.resolve();
    }
    destroy() {
        return Promise.resolve();
    }
}
