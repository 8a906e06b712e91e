/**
 * One row while any grant is left to revoke, none once all are: one `exists` per unrevoked state,
 * each through that state's partial index. The revocation benchmarks' watchers poll it beside the
 * nodes under test, where a count of every grant (a pass over the table) twice a second competed
 * with them for the machine's two cores (docs/benchmarks.md).
 */
export const UNREVOKED_PROBE = `select 1 where ${['active', 'revoking', 'revoke_failed', 'irrevocable']
  .map((state) => `exists (select 1 from grants where state = '${state}')`)
  .join(' or ')}`
