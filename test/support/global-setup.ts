import type { TestProject } from 'vitest/node'
import { findPostgresBin, isCi, startPostgres, type RunningService } from './services.js'

/** A running cluster, or the reason there is none. Under CI any failure is thrown instead. */
async function startLocalPostgres(): Promise<RunningService | string> {
  const bin = await findPostgresBin()
  if (bin === null)
    return 'no PostgreSQL: set HOURGLASS_TEST_PG_URL or install the postgresql package'
  try {
    return await startPostgres(bin)
  } catch (error) {
    if (isCi()) throw error
    return `PostgreSQL did not start (${error instanceof Error ? error.message : 'unknown error'})`
  }
}

/**
 * Starts the external services the tests need (see services.ts) once for the whole run.
 * PostgreSQL: HOURGLASS_TEST_PG_URL if set, else a throwaway cluster from the installed packages.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  // Vitest runs global setup for the root and for every project; projects inherit what the root
  // provides, so only the root starts anything.
  if (!project.isRootProject()) return undefined

  const fromEnv = process.env.HOURGLASS_TEST_PG_URL ?? ''
  if (fromEnv !== '') {
    project.provide('pgUrl', fromEnv)
    return undefined
  }
  const postgres = await startLocalPostgres()
  if (typeof postgres === 'string') {
    if (isCi()) throw new Error(`CI=true and ${postgres}`)
    console.warn(`\n!!! SKIPPING PostgreSQL tests: ${postgres} !!!\n`)
    project.provide('pgUrl', '')
    return undefined
  }
  project.provide('pgUrl', postgres.url)
  return () => postgres.stop()
}
