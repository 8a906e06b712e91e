import type { GrantJson } from '../api-types.js'
import type { HourglassClient } from '../client.js'

/** Polls a grant until it reaches one of the states (issuance runs asynchronously on the server). */
export async function waitForGrant(
  client: HourglassClient,
  grantId: string,
  states: readonly string[],
  timeoutMs = 30_000,
): Promise<GrantJson> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const grant = await client.get<GrantJson>(`/v1/grants/${encodeURIComponent(grantId)}`)
    if (states.includes(grant.state) || Date.now() > deadline) return grant
    await new Promise((r) => setTimeout(r, 200))
  }
}
