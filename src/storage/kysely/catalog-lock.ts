import { AsyncLocalStorage } from 'node:async_hooks'

/*
 * PostgreSQL: the catalog as a whole is held by a transaction-level advisory lock, shared by the
 * transactions that decide on it (`transaction(fn, { holdCatalog: true })`) and taken alone by a
 * catalog change (`catalog.lockForChange`). The lock manager queues a waiting exclusive lock
 * ahead of later shared ones, so a change is never starved by a stream of submissions (share
 * locks on the entitlement's row would be: a row's share lockers join without queueing).
 *
 * The shared lock is taken by the transaction's BEGIN, in the same round trip (a simple query of
 * two statements): taken by a later statement, that statement's snapshot would predate the
 * change it waited for, and it would decide on the catalog as it was. One key for the catalog:
 * its changes are rare, whole-file syncs. The pair is ours alone ('Hour', 'ctlg').
 */
const KEYS = `${String(0x486f7572)}, ${String(0x63746c67)}`

export const BEGIN_HOLDING_CATALOG = `begin; select pg_advisory_xact_lock_shared(${KEYS})`
export const LOCK_CATALOG_FOR_CHANGE = `select pg_advisory_xact_lock(${KEYS})`

/**
 * Set around a transaction that holds the catalog; its BEGIN takes the request (`pending`), so
 * later transactions started from inside it, in the same async context, do not.
 */
export const holdCatalogAtBegin = new AsyncLocalStorage<{ pending: boolean }>()
