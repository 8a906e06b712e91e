import './v8-flags.js'
import {
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
  type AuthorizationAnswer,
  type StatefulAuthorizationCall,
  type StaticPolicySet,
} from '@cedar-policy/cedar-wasm/nodejs'

/** A policy set and schema for Cedar to parse once and hold under these names. */
export interface Installation {
  policySetId: string
  schemaName: string
  staticPolicies: StaticPolicySet
  schema: string
}

/**
 * Where Cedar runs: the calls the policy engine makes of it, and nothing else. Names given to
 * `install` stay valid until `release`; `authorize` sends only the request and its entities.
 */
export interface CedarAuthorizer {
  /** Parses and holds the set and schema; resolves with Cedar's errors (none when it took them). */
  install(installation: Installation): Promise<string[]>
  /** Frees what `install` held under these names. Best-effort: they are never used again. */
  release(names: Pick<Installation, 'policySetId' | 'schemaName'>): void
  /** Cedar's answer; a thrown or lost call answers as a failure (the engine denies on it). */
  authorize(call: StatefulAuthorizationCall): Promise<AuthorizationAnswer>
  close(): Promise<void>
}

/** Cedar on the calling thread (each decision holds the event loop for its length). */
export function inProcessAuthorizer(): CedarAuthorizer {
  return {
    install(installation) {
      return Promise.resolve(installIn(installation))
    },
    release(names) {
      releaseIn(names)
    },
    authorize(call) {
      return Promise.resolve(authorizeIn(call))
    },
    close() {
      return Promise.resolve()
    },
  }
}

function installIn({ policySetId, schemaName, staticPolicies, schema }: Installation): string[] {
  const parsed = [preparseSchema(schemaName, schema), preparsePolicySet(policySetId, { staticPolicies })]
  return parsed.flatMap((a) => (a.type === 'failure' ? a.errors.map((e) => e.message) : []))
}

/** Cedar has no eviction; overwriting a name with an empty set frees what it held. */
function releaseIn({ policySetId, schemaName }: Pick<Installation, 'policySetId' | 'schemaName'>): void {
  try {
    preparsePolicySet(policySetId, { staticPolicies: {} })
    preparseSchema(schemaName, '')
  } catch {
    // Freeing memory is best-effort; the name is never used again.
  }
}

function authorizeIn(call: StatefulAuthorizationCall): AuthorizationAnswer {
  try {
    return statefulIsAuthorized(call)
  } catch (error) {
    return failureAnswer(error instanceof Error ? error.message : String(error))
  }
}

/** A failure as Cedar reports one; the engine denies on it, with `message` as the reason. */
export function failureAnswer(message: string): AuthorizationAnswer {
  return { type: 'failure', errors: [{ message, help: null, code: null, url: null, severity: null }], warnings: [] }
}
