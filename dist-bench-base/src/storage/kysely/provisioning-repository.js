import { sql } from 'kysely';
import { AppError } from '../../domain/errors.js';
import { userNameKey } from '../../domain/provisioning.js';
import { changedOne, fromJson, fromMs, toJson, toMs } from './codec.js';
import { isUniqueViolation } from './store-errors.js';
function toUser(row) {
    return {
        identityId: row.identity_id,
        userName: row.user_name,
        externalId: row.external_id,
        attributes: fromJson(row.attributes),
        createdAt: fromMs(row.created_at),
        updatedAt: fromMs(row.updated_at),
    };
}
function toUserRow(user) {
    return {
        identity_id: user.identityId,
        user_name: user.userName,
        user_name_key: userNameKey(user.userName),
        external_id: user.externalId,
        attributes: toJson(user.attributes),
        created_at: toMs(user.createdAt),
        updated_at: toMs(user.updatedAt),
    };
}
function toGroup(row) {
    return {
        id: row.id,
        groupName: row.group_name,
        displayName: row.display_name,
        externalId: row.external_id,
        createdAt: fromMs(row.created_at),
        updatedAt: fromMs(row.updated_at),
        version: row.version,
    };
}
function toGroupRow(group, version) {
    return {
        id: group.id,
        group_name: group.groupName,
        display_name: group.displayName,
        external_id: group.externalId,
        created_at: toMs(group.createdAt),
        updated_at: toMs(group.updatedAt),
        version,
    };
}
function uniqueness(error, what) {
    if (!isUniqueViolation(error))
        return error;
    return new AppError('scim.uniqueness', `${what} is already taken`, { cause: error });
}
export function provisioningRepository(scope) {
    /** Offboarded people are deleted as far as SCIM is concerned; their records stay as evidence. */
    const liveUsers = () => scope.db
        .selectFrom('scim_users')
        .innerJoin('identities', 'identities.id', 'scim_users.identity_id')
        .where('identities.status', '!=', 'offboarded');
    return {
        async getUser(identityId) {
            const row = await scope.db
                .selectFrom('scim_users')
                .selectAll()
                .where('identity_id', '=', identityId)
                .executeTakeFirst();
            return row ? toUser(row) : null;
        },
        async getUserByUserName(userName) {
            const row = await scope.db
                .selectFrom('scim_users')
                .selectAll()
                .where('user_name_key', '=', userNameKey(userName))
                .executeTakeFirst();
            return row ? toUser(row) : null;
        },
        async listUsers(filter) {
            let query = liveUsers();
            if (filter.userName !== undefined) {
                query = query.where('scim_users.user_name_key', '=', userNameKey(filter.userName));
            }
            if (filter.externalId !== undefined) {
                query = query.where('scim_users.external_id', '=', filter.externalId);
            }
            const counted = await query
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst();
            const rows = await query
                .selectAll('scim_users')
                .orderBy('scim_users.identity_id')
                .offset(filter.offset)
                .limit(filter.limit)
                .execute();
            return { total: Number(counted?.n ?? 0), items: rows.map(toUser) };
        },
        async insertUser(user) {
            try {
                await scope.db.insertInto('scim_users').values(toUserRow(user)).execute();
            }
            catch (error) {
                throw uniqueness(error, 'This userName');
            }
        },
        async updateUser(user) {
            try {
                const { identity_id: _id, created_at: _created, ...changes } = toUserRow(user);
                await scope.db
                    .updateTable('scim_users')
                    .set(changes)
                    .where('identity_id', '=', user.identityId)
                    .execute();
            }
            catch (error) {
                throw uniqueness(error, 'This userName');
            }
        },
        async listMemberIds(groupName) {
            const rows = await liveUsers()
                .innerJoin('identity_groups', 'identity_groups.identity_id', 'scim_users.identity_id')
                .where('identity_groups.group_name', '=', groupName)
                .select('scim_users.identity_id')
                .orderBy('scim_users.identity_id')
                .execute();
            return rows.map((r) => r.identity_id);
        },
        async getGroup(id) {
            const row = await scope.db
                .selectFrom('scim_groups')
                .selectAll()
                .where('id', '=', id)
                .executeTakeFirst();
            return row ? toGroup(row) : null;
        },
        async listGroups(filter) {
            let query = scope.db.selectFrom('scim_groups');
            if (filter.displayName !== undefined) {
                // displayName is caseExact false (RFC 7643 §4.2).
                query = query.where(sql `lower(display_name)`, '=', filter.displayName.toLowerCase());
            }
            if (filter.externalId !== undefined) {
                query = query.where('external_id', '=', filter.externalId);
            }
            const counted = await query
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst();
            const rows = await query
                .selectAll()
                .orderBy('created_at')
                .orderBy('id')
                .offset(filter.offset)
                .limit(filter.limit)
                .execute();
            return { total: Number(counted?.n ?? 0), items: rows.map(toGroup) };
        },
        async insertGroup(group) {
            try {
                await scope.db.insertInto('scim_groups').values(toGroupRow(group, group.version)).execute();
            }
            catch (error) {
                throw uniqueness(error, 'A group with this name');
            }
        },
        async updateGroup(group, expectedVersion) {
            const { id: _id, created_at: _created, ...changes } = toGroupRow(group, expectedVersion + 1);
            const result = await scope.db
                .updateTable('scim_groups')
                .set(changes)
                .where('id', '=', group.id)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
        async deleteGroup(id, expectedVersion) {
            const result = await scope.db
                .deleteFrom('scim_groups')
                .where('id', '=', id)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return result.numDeletedRows === 1n;
        },
    };
}
