import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { createCedarPolicyEngine, type CedarPolicyEngine, type CedarPolicyEngineOptions } from './cedar-policy-engine.js'
import { loadPolicyTestDir } from './policy-test-cases.js'

/*
 * Decisions on the engine's own thread (thread-authorizer.ts) against decisions on the calling
 * thread: the same answers for every shipped policy test case; a reload that takes effect for
 * what is sent after it; and a thread that dies or hangs denies what it held, then is replaced.
 */

const SHIPPED = fileURLToPath(new URL('../../../policies/', import.meta.url))
const TESTS = fileURLToPath(new URL('../../../policies/tests/', import.meta.url))
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function engineWith(options: CedarPolicyEngineOptions): Promise<CedarPolicyEngine> {
  const engine = await createCedarPolicyEngine(options)
  cleanups.push(() => engine.close())
  return engine
}

/**
 * Keeps a decision thread busy in its own protocol: parsing 5,000 policies takes it hundreds of
 * ms, and it handles messages in order, so a decision sent after this waits that long.
 */
function keepBusy(thread: Worker): void {
  const policies = Array.from({ length: 5_000 }, (_, i) => `@id("busy-${i}")\npermit (principal, action, resource) when { context.durationSeconds > ${i} };`)
  thread.postMessage({ type: 'install', id: -1, policySetId: 'busy', schemaName: 'busy-schema', staticPolicies: policies.join('\n'), schema: '' })
}

async function copyOfShipped(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-thread-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  await cp(SHIPPED, dir, { recursive: true })
  return dir
}

describe('decisions on the engine thread', () => {
  it('answer every shipped policy test case exactly as the calling thread does', async () => {
    const cases = await loadPolicyTestDir(TESTS)
    const here = await engineWith({ policyDir: SHIPPED, thread: false })
    const there = await engineWith({ policyDir: SHIPPED, thread: true })
    expect(there.policyHash()).toBe(here.policyHash())
    // All at once: the thread answers each by its own id, whatever the order they come back in.
    const [mine, theirs] = await Promise.all([
      Promise.all(cases.map((c) => here.decide(c.input))),
      Promise.all(cases.map((c) => there.decide(c.input))),
    ])
    expect(cases.length).toBeGreaterThanOrEqual(40)
    expect(theirs).toEqual(mine)
    expect(new Set(theirs.map((d) => d.allowed))).toEqual(new Set([true, false]))
  })

  it('take a reload for what is sent after it, and keep the old bundle for what was sent before', async () => {
    const dir = await copyOfShipped()
    const engine = await engineWith({ policyDir: dir, thread: true })
    const [allowed] = (await loadPolicyTestDir(TESTS)).filter((c) => c.expect.decision === 'allow')
    const before = engine.policyHash()
    const inFlight = engine.decide(allowed!.input)
    await writeFile(join(dir, 'zz-forbid-all.cedar'), '@id("forbid-all")\nforbid (principal, action, resource);\n')
    expect(await engine.reload()).toMatchObject({ changed: true })
    expect(await inFlight).toMatchObject({ allowed: true, policyHash: before })
    const after = await engine.decide(allowed!.input)
    expect(after).toMatchObject({ allowed: false, errored: false, policyHash: engine.policyHash() })
    expect(after.determiningPolicies).toEqual(['forbid-all'])
    expect(engine.policyHash()).not.toBe(before)
  })

  it('deny what a stopped thread held, then go on with a new one that has the bundle', async () => {
    const threads: Worker[] = []
    const stopped: string[] = []
    const engine = await engineWith({
      policyDir: SHIPPED,
      thread: { onStarted: (t) => threads.push(t), onStopped: (reason) => stopped.push(reason) },
    })
    const [allowed] = (await loadPolicyTestDir(TESTS)).filter((c) => c.expect.decision === 'allow')
    expect((await engine.decide(allowed!.input)).allowed).toBe(true)
    expect(threads).toHaveLength(1)
    // Busy, so the decision is still held when the thread ends (not answered just before).
    keepBusy(threads[0]!)
    const held = engine.decide(allowed!.input)
    await threads[0]!.terminate()
    expect(await held).toMatchObject({ allowed: false, errored: true })
    expect(stopped).toHaveLength(1)
    // The next decision starts a second thread, which parses the bundle before it answers.
    expect(await engine.decide(allowed!.input)).toMatchObject({ allowed: true, errored: false })
    expect(threads).toHaveLength(2)
  })

  it('deny a decision the thread does not answer in time, and replace the thread', async () => {
    const threads: Worker[] = []
    const stopped: string[] = []
    const engine = await engineWith({
      policyDir: SHIPPED,
      thread: { decisionTimeoutMs: 25, onStarted: (t) => threads.push(t), onStopped: (reason) => stopped.push(reason) },
    })
    const [allowed] = (await loadPolicyTestDir(TESTS)).filter((c) => c.expect.decision === 'allow')
    // The decision sent next cannot be answered within 25 ms.
    keepBusy(threads[0]!)
    const exited = new Promise((resolve) => threads[0]!.once('exit', resolve))
    const decision = await engine.decide(allowed!.input)
    expect(decision).toMatchObject({ allowed: false, errored: true })
    expect(decision.reasons.join(' ')).toMatch(/no decision within 25 ms/)
    expect(stopped).toEqual(['no decision within 25 ms'])
    // The stuck thread is ended, not left running beside its replacement.
    await exited
  })

  it('deny after close, and leave no thread behind', async () => {
    const threads: Worker[] = []
    const engine = await createCedarPolicyEngine({ policyDir: SHIPPED, thread: { onStarted: (t) => threads.push(t) } })
    const [allowed] = (await loadPolicyTestDir(TESTS)).filter((c) => c.expect.decision === 'allow')
    expect((await engine.decide(allowed!.input)).allowed).toBe(true)
    const exited = new Promise((resolve) => threads[0]!.once('exit', resolve))
    await engine.close()
    await exited
    expect(await engine.decide(allowed!.input)).toMatchObject({ allowed: false, errored: true })
  })
})
