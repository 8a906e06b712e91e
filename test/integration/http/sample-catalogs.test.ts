import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncCatalog } from '../../../src/app/sync-catalog.js'
import { PACKAGE_ROOT } from '../../../src/config/load.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

let world: TestWorld
beforeAll(async () => {
  world = await startTestWorld()
})
afterAll(async () => {
  await world.close()
})

const read = (name: string) => JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'samples', name), 'utf8')) as unknown

describe('the shipped sample catalogs', () => {
  it('the catalog with real targets validates with every connector once its secrets are given', async () => {
    const vars = { PUBLIC_URL: 'http://127.0.0.1:7300', DATA_DIR: world.dataDir }
    await expect(syncCatalog(world.runtime.deps, read('catalog-with-targets.json'), vars)).rejects.toMatchObject({
      code: 'catalog.invalid',
      message: expect.stringContaining('HOURGLASS_PG_PASSWORD'),
    })
    process.env.HOURGLASS_PG_PASSWORD = 'sample-pg-password'
    process.env.HOURGLASS_REDIS_PASSWORD = 'sample-redis-password'
    try {
      const r = await syncCatalog(world.runtime.deps, read('catalog-with-targets.json'), vars)
      expect(r).toMatchObject({ targets: 5, entitlements: 7 })
    } finally {
      delete process.env.HOURGLASS_PG_PASSWORD
      delete process.env.HOURGLASS_REDIS_PASSWORD
    }
    const kinds = (await world.runtime.deps.store.catalog.listTargets()).map((t) => t.kind).sort()
    expect(kinds).toEqual(['jwt', 'jwt', 'postgres', 'redis', 'ssh'])
  })
})
