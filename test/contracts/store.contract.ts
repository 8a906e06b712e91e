import { afterAll, beforeAll, describe } from 'vitest'
import type { Store } from '../../src/storage/store.js'
import { seedFixture } from '../support/builders.js'
import { describeAuditContract } from './store-audit.contract.js'
import { describeBatchContract } from './store-batch.contract.js'
import { describeCatalogContract } from './store-catalog.contract.js'
import { describeFindingContract } from './store-finding.contract.js'
import { describeGrantContract } from './store-grant.contract.js'
import { describeMetricsCountContract } from './store-metrics.contract.js'
import { describeOutboxContract } from './store-outbox.contract.js'
import { describeRequestContract } from './store-request.contract.js'
import { describeReportContract } from './store-report.contract.js'
import { describeTransactionContract } from './store-transaction.contract.js'
import { describeSiemCursorContract } from './store-siem.contract.js'
import { describeLifecycleNodeContract } from './store-lifecycle-nodes.contract.js'
import { describeConnectorStateContract } from './store-connector-state.contract.js'

/** What each part of the contract gets to work with. */
export interface StoreContext {
  /** The suite's store, seeded with the builders' FIXTURE rows. */
  store(): Store
  /** Another store on the same database, like a second process; closed after the suite. */
  open(): Promise<Store>
  /** Runs one statement through the engine's own driver, bypassing the Store entirely. */
  exec(statement: string): Promise<void>
}

/**
 * The behaviour every Store owes the application, run against each engine (STYLE §8).
 * `makeStore` opens a store on one database shared by the whole suite, so tests isolate
 * themselves with unique ids, and `exec` reaches that same database without the Store.
 * Tests run in order within the suite; none relies on another's rows.
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  exec: (statement: string) => Promise<void>,
): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = []
    let main: Store | undefined
    const ctx: StoreContext = {
      store: () => {
        if (!main) throw new Error('the contract store is not open')
        return main
      },
      open: async () => {
        const store = await makeStore()
        opened.push(store)
        return store
      },
      exec,
    }

    beforeAll(async () => {
      main = await ctx.open()
      await seedFixture(main)
    })

    afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()))
    })

    describeCatalogContract(ctx)

    describeFindingContract(ctx)
    describeRequestContract(ctx)
    describeGrantContract(ctx)
    describeTransactionContract(ctx)
    describeAuditContract(ctx)
    describeOutboxContract(ctx)
    describeMetricsCountContract(ctx)
    describeReportContract(ctx)
    describeSiemCursorContract(ctx)
    describeBatchContract(ctx)
    describeLifecycleNodeContract(ctx)
    describeConnectorStateContract(ctx)
  })
}
