/**
 * One thread deciding as fast as it can: its own CedarPolicyEngine (Cedar's WebAssembly instance
 * is per thread), warmed up, then deciding alice's request for as long as the main thread asks.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createCedarPolicyEngine } from '../../src/policy/cedar/index.js'
import { autoApprovedDecisions } from './decision-inputs.js'
import type {
  DecisionThreadCommand,
  DecisionThreadData,
  DecisionThreadReply,
} from './decision-threads.js'

const data = workerData as DecisionThreadData
const port = parentPort
if (port === null) throw new Error('decision-worker runs as a worker thread')

const engine = await createCedarPolicyEngine({ policyDir: data.policyDir })
const input = autoApprovedDecisions(new Date()).request
const warmEnd = performance.now() + data.warmupMs
while (performance.now() < warmEnd) await engine.decide(input)

const reply = (message: DecisionThreadReply): void => {
  port.postMessage(message)
}
port.on('message', (command: DecisionThreadCommand) => {
  void (async () => {
    if (command.type === 'stop') {
      await engine.close()
      port.close()
      return
    }
    let decisions = 0
    const start = performance.now()
    const end = start + command.durationMs
    while (performance.now() < end) {
      const decision = await engine.decide(input)
      if (!decision.allowed) throw new Error('the benchmark request must be allowed')
      decisions++
    }
    reply({ type: 'done', decisions, ms: performance.now() - start })
  })()
})
reply({ type: 'ready' })
