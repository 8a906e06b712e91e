import path from 'node:path'
import type { Config } from '../config/schema.js'
import type { DatabaseOptions } from '../storage/kysely/dialect.js'

/** How the server opens its store: PostgreSQL at `databaseUrl`, else SQLite in the data directory. */
export function databaseOptionsOf(config: Config): DatabaseOptions {
  return config.databaseUrl
    ? {
        databaseUrl: config.databaseUrl,
        preparedStatements: config.databasePreparedStatements,
        poolSize: config.databasePoolSize,
      }
    : { sqlitePath: path.join(config.dataDir, 'hourglass.db') }
}
