/**
 * Polls `check` every 20 ms of real time until it holds or `ms` pass; the last answer is the
 * result, so a test asserts on it instead of timing out silently.
 */
export async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}
