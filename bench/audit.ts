import { createHash } from 'node:crypto'
import { parseCheckpoint, parseExportedEvent, verifyExport } from '../src/audit/verify-chain.js'
import { canonicalJson } from '../src/domain/canonical-json.js'
import { verifyAuditChain, type AuditEvent } from '../src/domain/audit-event.js'
import { randomIdSource } from '../src/security/random-id-source.js'
import type { Benchmark, BenchOptions } from './support/benchmark.js'
import { exportedChain } from './support/audit-chain.js'
import type { Row } from './support/report.js'
import { median, nowMs } from './support/stats.js'
import { startBenchWorld } from './support/world.js'

const CHECKPOINT_EVERY = 100
const APPENDS_PER_ROUND = 400

/** A single-row transaction on the real store, with and without an audit append in it. */
async function appendOverhead(
  options: BenchOptions,
): Promise<{ withMs: number; withoutMs: number }> {
  const world = await startBenchWorld({ empty: true })
  try {
    const { store } = world
    let key = 0
    const write = (withAudit: boolean) =>
      store.transaction(async (tx) => {
        const k = `bench-${key++}`
        await tx.connectorState.put('bench', k, 'x'.repeat(200))
        if (withAudit) {
          await tx.audit.append({
            type: 'grant.revoking',
            actor: 'system:bench',
            grantId: k,
            data: { reason: 'expired', attempt: 1, fromState: 'active' },
            id: randomIdSource.newId('evt'),
            at: new Date(),
          })
        }
      })
    for (let i = 0; i < 200; i++) await write(i % 2 === 0)
    const withRounds: number[] = []
    const withoutRounds: number[] = []
    for (let r = 0; r < options.rounds; r++) {
      let withTotal = 0
      let withoutTotal = 0
      // Alternating, so the database growing and the machine's noise fall on both alike.
      for (let i = 0; i < APPENDS_PER_ROUND; i++) {
        let t = nowMs()
        await write(true)
        withTotal += nowMs() - t
        t = nowMs()
        await write(false)
        withoutTotal += nowMs() - t
      }
      withRounds.push(withTotal / APPENDS_PER_ROUND)
      withoutRounds.push(withoutTotal / APPENDS_PER_ROUND)
    }
    return { withMs: median(withRounds), withoutMs: median(withoutRounds) }
  } finally {
    await world.close()
  }
}

/** What the chain check cannot avoid: one sha256 over each event's canonical encoding. */
function bareHashes(bodies: readonly string[]): void {
  for (const body of bodies) createHash('sha256').update(body).digest('hex')
}

function canonicalBody(e: AuditEvent): string {
  const { hash: _hash, ...body } = e
  return canonicalJson({ ...body })
}

export const audit: Benchmark = {
  name: 'audit',
  title: 'Audit: append overhead (SQLite) and offline verification of an exported chain',
  async run(options, progress) {
    const append = await appendOverhead(options)
    progress('audit: append overhead done; building the chain')
    const count = options.events
    const chain = exportedChain(count, CHECKPOINT_EVERY)
    const parseStart = nowMs()
    const events = chain.lines.map(parseExportedEvent)
    const parseMs = nowMs() - parseStart
    const checkpoints = chain.checkpointLines.map(parseCheckpoint)
    const bodies = events.map(canonicalBody)
    const ours: number[] = []
    const chainOnly: number[] = []
    const floor: number[] = []
    for (let r = 0; r < options.rounds; r++) {
      let t = nowMs()
      const report = verifyExport(events, checkpoints, chain.publicKeyPem)
      ours.push((count * 1000) / (nowMs() - t))
      if (!report.ok)
        throw new Error(`the generated chain does not verify: ${report.reason ?? '?'}`)
      t = nowMs()
      verifyAuditChain(events)
      chainOnly.push((count * 1000) / (nowMs() - t))
      t = nowMs()
      bareHashes(bodies)
      floor.push((count * 1000) / (nowMs() - t))
    }
    const rows: Row[] = [
      {
        metric: 'single-row transaction, with vs without one audit append',
        unit: 'ms',
        ours: append.withMs,
        floor: append.withoutMs,
        targets: [],
      },
      {
        metric: `verifyExport, ${count.toLocaleString('en-US')} events (events/s)`,
        unit: '/s',
        ours: median(ours),
        floor: median(floor),
        targets: [{ on: 'ours', op: '>=', value: 200_000 }],
      },
    ]
    const notes = [
      `Append: connector-state upsert in a store transaction, alternating with and without tx.audit.append ` +
        `(head read, insert, head move, sha256 over canonical JSON); ${options.rounds} rounds of ${APPENDS_PER_ROUND}.`,
      `Verification: ${checkpoints.length} signed checkpoints (one per ${CHECKPOINT_EVERY} events, the default) ` +
        `are checked too; the hash chain alone runs at ${Math.round(median(chainOnly)).toLocaleString('en-US')} events/s. ` +
        `Parsing the JSONL export (not timed above) ran at ${Math.round((count * 1000) / parseMs).toLocaleString('en-US')} events/s.`,
      'Floor: sha256 over the same canonical bodies, precomputed (no canonicalisation, no comparison).',
    ]
    return {
      name: this.name,
      title: this.title,
      params: { events: count, rounds: options.rounds },
      rows,
      notes,
    }
  },
}
