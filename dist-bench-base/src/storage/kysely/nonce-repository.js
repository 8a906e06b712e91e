import { changedOne, toMs } from './codec.js';
export function nonceRepository(scope) {
    return {
        async remember(nonceScope, value, expiresAt, now) {
            return scope.atomic(async (db) => {
                // Pruning here keeps the table bounded without a job of its own: an expired value
                // could no longer be replayed anyway (its timestamp or token is past the window).
                await db.deleteFrom('seen_nonces').where('expires_at', '<=', toMs(now)).execute();
                // On PostgreSQL a concurrent insert of the same value waits for the other transaction
                // and then does nothing, so exactly one of two racing deliveries gets true.
                const result = await db
                    .insertInto('seen_nonces')
                    .values({ scope: nonceScope, value, expires_at: toMs(expiresAt) })
                    .onConflict((oc) => oc.columns(['scope', 'value']).doNothing())
                    .executeTakeFirst();
                return changedOne(result);
            });
        },
        async forget(nonceScope, value) {
            await scope.db
                .deleteFrom('seen_nonces')
                .where('scope', '=', nonceScope)
                .where('value', '=', value)
                .execute();
        },
    };
}
