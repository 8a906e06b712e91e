import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../domain/errors.js'
import { loadPolicyBundle } from './policy-bundle.js'

const SHIPPED = fileURLToPath(new URL('../../../policies/', import.meta.url))
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

/** A temp bundle with the shipped schema and the given policy files. */
async function bundleDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-bundle-'))
  dirs.push(dir)
  await cp(join(SHIPPED, 'hourglass.cedarschema'), join(dir, 'hourglass.cedarschema'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

async function copyOfShipped(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-bundle-'))
  dirs.push(dir)
  await cp(SHIPPED, dir, { recursive: true })
  return dir
}

async function rejection(dir: string): Promise<AppError> {
  const error: unknown = await loadPolicyBundle(dir).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe('policy.invalid')
  return error as AppError
}

const OK = `@id("ok")\npermit (principal, action == Hourglass::Action::"request", resource);\n`

describe('loadPolicyBundle', () => {
  it('loads the shipped bundle with every policy and its obligations', async () => {
    const bundle = await loadPolicyBundle(SHIPPED)
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(bundle.schemaFile).toBe('hourglass.cedarschema')
    expect(bundle.policyIds).toContain('request-high')
    expect(bundle.policyIds).toEqual([...bundle.policyIds].sort())
    expect(bundle.warnings).toEqual([])
    const high = bundle.policies.get('request-high')
    expect(high?.file).toBe('request.cedar')
    expect(high?.annotations).toMatchObject({ approvals: '2', approver_group: 'security' })
    expect(high?.obligations).toEqual({
      approvals: 2,
      ownerApproval: true,
      approverGroups: ['security'],
      maxDurationSeconds: 3600,
      ticketRequired: true,
    })
    expect(bundle.policies.get('review-self')?.effect).toBe('forbid')
  })

  it('hashes names and contents: same bundle same hash, an edit or a rename changes it', async () => {
    const dir = await copyOfShipped()
    const first = (await loadPolicyBundle(dir)).hash
    expect((await loadPolicyBundle(dir)).hash).toBe(first)
    expect((await loadPolicyBundle(SHIPPED)).hash).toBe(first)

    await writeFile(join(dir, 'notes.md'), 'not part of the bundle')
    await writeFile(join(dir, 'tests', 'extra.json'), '{}')
    expect((await loadPolicyBundle(dir)).hash).toBe(first)

    const path = join(dir, 'breakglass.cedar')
    await writeFile(path, `${await readFile(path, 'utf8')}\n// reviewed\n`)
    const edited = (await loadPolicyBundle(dir)).hash
    expect(edited).not.toBe(first)

    await rename(path, join(dir, 'break-glass.cedar'))
    expect((await loadPolicyBundle(dir)).hash).not.toBe(edited)
  })

  it.each([
    ['a syntax error', 'when { resource.risk == };', /bad\.cedar:2:\d+: .*unexpected token/],
    [
      'an unknown attribute',
      'when { resource.colour == "red" };',
      /bad\.cedar:2:\d+: .*attribute `colour`.*not found/,
    ],
    [
      'an optional attribute read without has',
      'when { principal.owner == principal };',
      /bad\.cedar:2:\d+: .*optional attribute `owner`/,
    ],
    ['a type error', 'when { resource.risk == 3 };', /bad\.cedar:2:\d+: .*type/],
  ])('rejects %s, naming the file and line', async (_label, condition, pattern) => {
    const bad = `@id("bad")\npermit (principal, action == Hourglass::Action::"request", resource) ${condition}\n`
    const error = await rejection(await bundleDir({ 'ok.cedar': OK, 'bad.cedar': bad }))
    expect(error.message).toMatch(pattern)
    expect(error.message).not.toMatch(/ok\.cedar/)
  })

  it.each([
    ['a missing @id', 'permit (principal, action, resource);', /every policy needs an @id/],
    ['an empty @id', '@id("") permit (principal, action, resource);', /every policy needs an @id/],
    [
      'a bad @approvals',
      '@id("p") @approvals("two") permit (principal, action, resource);',
      /@approvals\("two"\)/,
    ],
    [
      'a bad @max_duration',
      '@id("p") @max_duration("forever") permit (principal, action, resource);',
      /@max_duration\("forever"\)/,
    ],
    [
      'a bad @owner_approval',
      '@id("p") @owner_approval("yes") permit (principal, action, resource);',
      /@owner_approval\("yes"\)/,
    ],
    [
      'a bad @approver_group',
      '@id("p") @approver_group("sec, ") permit (principal, action, resource);',
      /@approver_group/,
    ],
    [
      'a misspelt annotation',
      '@id("p") @max_duraton("PT1H") permit (principal, action, resource);',
      /unknown annotation @max_duraton/,
    ],
    [
      'an obligation on a forbid',
      '@id("p") @approvals("1") forbid (principal, action, resource);',
      /only applies to permit/,
    ],
    [
      'a template',
      '@id("p") permit (principal == ?principal, action, resource);',
      /templates .* not supported/,
    ],
  ])('rejects %s at load time', async (_label, text, pattern) => {
    const error = await rejection(await bundleDir({ 'ok.cedar': OK, 'bad.cedar': text }))
    expect(error.message).toMatch(pattern)
    expect(error.message).toMatch(/bad\.cedar/)
  })

  it('rejects an @id used twice, naming both files', async () => {
    const error = await rejection(await bundleDir({ 'a.cedar': OK, 'b.cedar': OK }))
    expect(error.message).toMatch(/b\.cedar: @id\("ok"\) is also used in a\.cedar/)
  })

  it('lists every problem of every file at once', async () => {
    const error = await rejection(
      await bundleDir({
        'a.cedar': '@id("a") @approvals("x") permit (principal, action, resource);',
        'b.cedar': 'permit (principal, action, resource);',
      }),
    )
    expect(error.message).toMatch(/2 problems/)
    expect(error.details).toMatchObject({
      problems: [expect.stringMatching(/^a\.cedar/), expect.stringMatching(/^b\.cedar/)],
    })
  })

  it('rejects a broken schema, naming the schema file', async () => {
    const dir = await bundleDir({ 'ok.cedar': OK })
    await writeFile(join(dir, 'hourglass.cedarschema'), 'namespace Hourglass { entity }')
    const error = await rejection(dir)
    expect(error.message).toMatch(/hourglass\.cedarschema:1:\d+: /)
  })

  it('requires exactly one schema and at least one policy file', async () => {
    const two = await bundleDir({ 'ok.cedar': OK })
    await cp(join(SHIPPED, 'hourglass.cedarschema'), join(two, 'other.cedarschema'))
    expect((await rejection(two)).message).toMatch(
      /exactly one .cedarschema.*hourglass.cedarschema, other.cedarschema/,
    )

    const none = await bundleDir({ 'ok.cedar': OK })
    await rm(join(none, 'hourglass.cedarschema'))
    expect((await rejection(none)).message).toMatch(/found: none/)

    expect((await rejection(await bundleDir({}))).message).toMatch(/no .cedar files/)
    expect((await rejection(join(tmpdir(), 'hourglass-missing-dir-xyz'))).message).toMatch(/ENOENT/)
  })
})
