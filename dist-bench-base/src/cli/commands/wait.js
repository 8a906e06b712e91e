/** Polls a grant until it reaches one of the states (issuance runs asynchronously on the server). */
export async function waitForGrant(client, grantId, states, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const grant = await client.get(`/v1/grants/${encodeURIComponent(grantId)}`);
        if (states.includes(grant.state) || Date.now() > deadline)
            return grant;
        await new Promise((r) => setTimeout(r, 200));
    }
}
