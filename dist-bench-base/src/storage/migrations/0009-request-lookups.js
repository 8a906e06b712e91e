/**
 * The cool-down check on every submission (the requester's recent requests for one entitlement
 * in one state, newest first) had only `requests_requester` to go on, so it read every request
 * the requester ever made and sorted them: its cost grew with the table. With all three equality
 * columns first and the order after them, it reads the matching rows already in order and stops
 * at the limit.
 */
export const requestLookups = {
    async up(db) {
        await db.schema
            .createIndex('requests_requester_entitlement_state')
            .on('requests')
            .columns(['requester_id', 'entitlement_id', 'state', 'submitted_at', 'id'])
            .execute();
    },
    async down(db) {
        await db.schema.dropIndex('requests_requester_entitlement_state').execute();
    },
};
