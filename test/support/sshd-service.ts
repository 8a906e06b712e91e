/**
 * A throwaway sshd on 127.0.0.1 that trusts one user CA and reads a KRL, for connector tests
 * (reference/test-services.md §3). It needs root (sshd, useradd) and the openssh packages:
 * locally a missing piece skips with a loud reason; under CI=true it fails.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { constants } from 'node:fs'
import { access, chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { freePort, isCi } from './services.js'

const run = promisify(execFile)
const START_TIMEOUT_MS = 10_000
const MAX_LOG = 64 * 1024

export type OpensshTool = 'sshd' | 'ssh' | 'ssh-keygen'

export interface RunningSshd {
  host: '127.0.0.1'
  port: number
  /** sshd's own log so far (LogLevel VERBOSE), for failure messages. */
  log(): string
  stop(): Promise<void>
}

export interface SshdOptions {
  /** `ssh-ed25519 AAAA…` line for TrustedUserCAKeys. */
  caPublicKey: string
  /** RevokedKeys; an empty KRL is written first if the file does not exist yet. */
  krlPath: string
  /** Local accounts to log in as; created when missing. */
  users: string[]
}

/** Absolute path of an OpenSSH tool on PATH or in /usr/sbin (sshd needs an absolute path). */
export async function findOpensshTool(name: OpensshTool): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin']
  for (const dir of dirs.filter((d) => d.startsWith('/'))) {
    const candidate = join(dir, name)
    const executable = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    )
    if (executable) return candidate
  }
  return null
}

/** Why a real sshd cannot run here, or null when it can. */
export async function sshdUnavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'sshd tests need root (sshd, useradd)'
  for (const tool of ['sshd', 'ssh', 'ssh-keygen'] as const) {
    if ((await findOpensshTool(tool)) === null) {
      return `no ${tool}: install openssh-server and openssh-client`
    }
  }
  return null
}

/**
 * The reason to skip, printed loudly, or null when sshd tests can run. Under CI=true a missing
 * prerequisite throws instead.
 */
export async function sshdSkipReason(): Promise<string | null> {
  const reason = await sshdUnavailableReason()
  if (reason === null) return null
  if (isCi()) throw new Error(`CI=true but ${reason}`)
  console.warn(`\n!!! SKIPPING sshd tests: ${reason} !!!\n`)
  return reason
}

export async function startSshd(options: SshdOptions): Promise<RunningSshd | null> {
  if ((await sshdSkipReason()) !== null) return null
  const sshd = (await findOpensshTool('sshd')) as string
  const keygen = (await findOpensshTool('ssh-keygen')) as string
  for (const user of options.users) await ensureLoginUser(user)
  await mkdir('/run/sshd', { recursive: true })
  await chmod('/run/sshd', 0o755)

  const dir = await mkdtemp(join(tmpdir(), 'hourglass-sshd-'))
  try {
    await run(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'host', '-f', join(dir, 'host')])
    await writeFile(join(dir, 'user_ca.pub'), `${options.caPublicKey.trim()}\n`)
    const hasKrl = await stat(options.krlPath).then(
      () => true,
      () => false,
    )
    if (!hasKrl) await run(keygen, ['-q', '-k', '-f', options.krlPath])
    let lastError: unknown
    // The free port can be taken between choosing it and binding it: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort()
      const config = join(dir, `sshd_config.${port}`)
      await writeFile(config, sshdConfig(dir, port, options.krlPath))
      await run(sshd, ['-t', '-f', config])
      try {
        return await launch(sshd, config, port, dir)
      } catch (error) {
        lastError = error
      }
    }
    throw lastError
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

function sshdConfig(dir: string, port: number, krlPath: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey "${join(dir, 'host')}"`,
    `PidFile "${join(dir, 'sshd.pid')}"`,
    `TrustedUserCAKeys "${join(dir, 'user_ca.pub')}"`,
    `RevokedKeys "${krlPath}"`,
    'AuthorizedKeysFile none',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'UsePAM no',
    'StrictModes no',
    'LogLevel VERBOSE',
    '',
  ].join('\n')
}

async function launch(sshd: string, config: string, port: number, dir: string) {
  // -D keeps sshd in the foreground as our child, so stop() ends it by its own pid.
  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    log = (log + chunk).slice(-MAX_LOG)
  })
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer)
      child.stderr.off('data', onData)
      child.off('exit', onExit)
    }
    const fail = (error: Error): void => {
      cleanup()
      void stopChild(child)
      reject(error)
    }
    const timer = setTimeout(() => {
      fail(new Error(`sshd did not start within ${START_TIMEOUT_MS} ms:\n${log}`))
    }, START_TIMEOUT_MS)
    const onData = (): void => {
      if (!log.includes(`Server listening on 127.0.0.1 port ${port}`)) return
      cleanup()
      resolve()
    }
    const onExit = (): void => {
      fail(new Error(`sshd exited while starting:\n${log}`))
    }
    child.stderr.on('data', onData)
    child.once('exit', onExit)
  })
  return {
    host: '127.0.0.1' as const,
    port,
    log: () => log,
    stop: async () => {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve()
    })
  })
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    child.kill('SIGKILL')
  }, 5000)
  await exited
  clearTimeout(timer)
}

/**
 * A local account sshd lets in with a certificate. useradd leaves the password field as '!',
 * which sshd (UsePAM no) reads as "account is locked"; '*' means "no password, not locked".
 * An account that already has a real password is left alone.
 */
async function ensureLoginUser(user: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new Error(`unsafe user name ${user}`)
  const exists = await run('id', ['-u', user]).then(
    () => true,
    () => false,
  )
  if (!exists) await run('useradd', ['-m', '-s', '/bin/sh', user])
  const { stdout } = await run('getent', ['shadow', user])
  const password = stdout.split(':')[1] ?? ''
  if (password.startsWith('!')) await run('usermod', ['-p', '*', user])
}

export interface SshLoginOptions {
  port: number
  user: string
  /** The connector's credential text: JSON with `privateKey` and `certificate`. */
  credential: string
  command?: string
}

export interface SshLoginResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Logs in with the real ssh client, as the requester would: key and certificate written to
 * owner-only files, no agent, no config, no known_hosts, never a prompt.
 */
export async function sshLogin(options: SshLoginOptions): Promise<SshLoginResult> {
  const ssh = await findOpensshTool('ssh')
  if (ssh === null) throw new Error('no ssh client')
  const { privateKey, certificate } = JSON.parse(options.credential) as {
    privateKey: string
    certificate: string
  }
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-ssh-client-'))
  try {
    const key = join(dir, 'key')
    await writeFile(key, privateKey, { mode: 0o600 })
    await writeFile(`${key}-cert.pub`, certificate, { mode: 0o600 })
    const args = [
      ...['-n', '-F', 'none', '-i', key, '-o', `CertificateFile=${key}-cert.pub`],
      ...['-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes'],
      ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
      ...['-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', '-p', String(options.port)],
      `${options.user}@127.0.0.1`,
      options.command ?? 'echo ok',
    ]
    return await new Promise<SshLoginResult>((resolve, reject) => {
      const child = execFile(ssh, args, { timeout: 15_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      })
      child.stdin?.end()
      child.once('error', reject)
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
