export function directSqlite(db, isHeld) {
    return {
        run(sql, params) {
            // A scope kept past its transaction's end must not write outside it (or inside another's).
            if (!isHeld())
                throw new Error('direct SQLite access outside its transaction');
            return Number(db.prepare(sql).run(params).changes);
        },
        execute(sql, params) {
            if (!isHeld())
                throw new Error('direct SQLite access outside its transaction');
            const statement = db.prepare(sql);
            if (statement.reader)
                return { rows: statement.all(params) };
            const { changes } = statement.run(params);
            return { rows: [], numAffectedRows: BigInt(changes) };
        },
        values(sql, params) {
            if (!isHeld())
                throw new Error('direct SQLite access outside its transaction');
            const statement = db.prepare(sql);
            // Statements are shared through the cache (statement-cache.ts): objects again for the next user.
            statement.raw(true);
            try {
                return statement.all(params);
            }
            finally {
                statement.raw(false);
            }
        },
    };
}
