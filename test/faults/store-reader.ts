/**
 * Reads the store's grant rows straight from the database file or server while no Hourglass
 * process runs: what a crash really left committed, not what a restarted server reports.
 */
import Database from 'better-sqlite3'
import pg from 'pg'

export interface GrantRow {
  id: string
  state: string
}

export async function grantRows(where: { databaseUrl?: string | undefined; sqlitePath: string }): Promise<GrantRow[]> {
  if (where.databaseUrl) {
    const client = new pg.Client({ connectionString: where.databaseUrl })
    await client.connect()
    try {
      return (await client.query<GrantRow>('select id, state from grants order by id')).rows
    } finally {
      await client.end()
    }
  }
  // Opening read-write lets SQLite replay the WAL the killed process left behind.
  const db = new Database(where.sqlitePath)
  try {
    return db.prepare('select id, state from grants order by id').all() as GrantRow[]
  } finally {
    db.close()
  }
}
