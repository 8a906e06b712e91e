import { useId, useState, type SubmitEvent } from 'react'
import type { ExceptionInput } from '../api/client'
import { useAction } from '../hooks/use-action'
import { useSession } from '../hooks/use-session'
import { ErrorNotice } from './error-notice'

/** Approve a time-bound exception. Who may, and for how long, is the server's call. */
export function ExceptionForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useSession()
  const id = useId()
  const [identityId, setIdentityId] = useState('')
  const [entitlementId, setEntitlementId] = useState('')
  const [policyId, setPolicyId] = useState('')
  const [reason, setReason] = useState('')
  const [forText, setForText] = useState('7d')
  const create = useAction(client.createException)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const scope: NonNullable<ExceptionInput['scope']> = {
      ...(identityId.trim() ? { identityId: identityId.trim() } : {}),
      ...(entitlementId.trim() ? { entitlementId: entitlementId.trim() } : {}),
      ...(policyId.trim() ? { policyId: policyId.trim() } : {}),
    }
    if (await create.run({ scope, reason, for: forText.trim() })) {
      setReason('')
      onCreated()
    }
  }
  const field = (label: string, key: string, value: string, set: (v: string) => void) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        spellCheck={false}
        value={value}
        onChange={(e) => {
          set(e.target.value)
        }}
      />
    </div>
  )
  return (
    <form className="card form" aria-label="New exception" onSubmit={(e) => void submit(e)}>
      <p className="help">
        Scope it to an identity, an entitlement and/or a policy rule; at least one.
      </p>
      <div className="form-grid">
        {field('Identity id', 'identity', identityId, setIdentityId)}
        {field('Entitlement id', 'entitlement', entitlementId, setEntitlementId)}
        {field('Policy id', 'policy', policyId, setPolicyId)}
        {field('Lasts for', 'for', forText, setForText)}
        <div className="field span-2">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            required
            value={reason}
            onChange={(e) => {
              setReason(e.target.value)
            }}
          />
          <p className="help">At most 90 days; it ends by itself and can be renewed a few times.</p>
        </div>
      </div>
      {create.error && <ErrorNotice error={create.error} title="Exception not created" />}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.busy}>
          Approve exception
        </button>
      </div>
    </form>
  )
}
