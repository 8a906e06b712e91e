import type { grantView, identityView, requestView, reviewView, entitlementView } from '../http/views.js'

/** What a value looks like after a JSON round trip: dates become strings. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Jsonify<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonify<T[K]> }
      : T

export type RequestJson = Jsonify<ReturnType<typeof requestView>>
export type ReviewJson = Jsonify<ReturnType<typeof reviewView>>
export type GrantJson = Jsonify<ReturnType<typeof grantView>>
export type IdentityJson = Jsonify<ReturnType<typeof identityView>>
export type EntitlementJson = Jsonify<ReturnType<typeof entitlementView>>
export interface Items<T> {
  items: T[]
}
