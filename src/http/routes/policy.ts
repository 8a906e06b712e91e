import { defineRoute } from '../route.js'
import { recordAudit } from '../../app/load.js'

export const policyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/policy',
    summary: 'The policy bundle in force',
    tag: 'policy',
    auth: 'identity',
    handler: ({ deps }) => Promise.resolve({ policyHash: deps.policy.policyHash() }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/policy/reload',
    summary: 'Re-read and strictly validate the policy directory (admins)',
    tag: 'policy',
    auth: 'admin',
    handler: async ({ deps, actor }) => {
      const before = deps.policy.policyHash()
      const result = await deps.policy.reload()
      if (result.changed) {
        await deps.store.transaction((tx) =>
          recordAudit(tx, deps, {
            type: 'policy.loaded',
            actor: actor.id,
            data: { from: before, to: result.policyHash },
          }),
        )
      }
      return result
    },
  }),
]
