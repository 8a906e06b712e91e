import { useMemo, useState, type SubmitEvent } from 'react'
import type { SubmitRequestInput } from '../api/client'
import type { RevocationCondition } from '../api/types'
import { CatalogPicker } from '../components/catalog-picker'
import { DurationField } from '../components/duration-field'
import { ErrorNotice } from '../components/error-notice'
import { Page } from '../components/page'
import { RequestPreviewPanel } from '../components/request-preview-panel'
import { RevocationField } from '../components/revocation-field'
import { SubmitResultPanel } from '../components/submit-result'
import { useAction } from '../hooks/use-action'
import { useRequestPreview } from '../hooks/use-request-preview'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { humanize } from '../lib/format'

export function RequestAccessPage({ preselect }: { preselect: string | null }) {
  const { client, me } = useSession()
  const catalog = useResource('catalog', client.catalog)
  const [entitlementId, setEntitlementId] = useState(preselect ?? '')
  const [subjectId, setSubjectId] = useState(me.id)
  const [justification, setJustification] = useState('')
  const [ticketRef, setTicketRef] = useState('')
  const [duration, setDuration] = useState('')
  const [revocation, setRevocation] = useState<RevocationCondition>('expiry')
  const submit = useAction(client.submitRequest)
  const selected = catalog.data?.items.find((e) => e.id === entitlementId) ?? null

  const input: SubmitRequestInput = {
    entitlementId,
    justification,
    revocationCondition: revocation,
    ...(subjectId !== me.id ? { subjectId } : {}),
    ...(ticketRef.trim() ? { ticketRef: ticketRef.trim() } : {}),
    ...(duration.trim() ? { duration: duration.trim() } : {}),
  }
  // The decision does not read the justification, but the body schema requires one; until the
  // user has written enough, the preview stands in a placeholder so it can show early.
  const previewKey = JSON.stringify({ ...input, justification: undefined })
  const previewInput = useMemo<SubmitRequestInput | null>(() => {
    if (entitlementId === '') return null
    const parsed = JSON.parse(previewKey) as Omit<SubmitRequestInput, 'justification'>
    return { ...parsed, justification: 'Preview before submitting' }
  }, [entitlementId, previewKey])
  const preview = useRequestPreview(client.previewRequest, previewInput)

  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault()
    await submit.run(input)
  }

  return (
    <Page
      title="Request access"
      intro="Pick an entitlement from the catalog and say why. Policy decides at once whether it is granted or who must review it."
    >
      {catalog.error && <ErrorNotice error={catalog.error} title="Could not load the catalog" />}
      {catalog.loading && <p role="status">Loading the catalog…</p>}
      <form className="form" onSubmit={(e) => void onSubmit(e)} aria-label="Access request">
        {catalog.data && (
          <CatalogPicker
            items={catalog.data.items}
            selectedId={entitlementId}
            onSelect={(id) => {
              setEntitlementId(id)
              submit.reset()
            }}
          />
        )}
        <div className="card form-grid">
          <div className="field">
            <label htmlFor="subject">Who gets access</label>
            <select
              id="subject"
              value={subjectId}
              onChange={(e) => {
                setSubjectId(e.target.value)
              }}
            >
              <option value={me.id}>Me ({me.id})</option>
              {me.owns.map((nhi) => (
                <option key={nhi.id} value={nhi.id}>
                  {nhi.displayName} ({nhi.id}, {humanize(nhi.kind)} I own)
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ticket">Ticket reference</label>
            <input
              id="ticket"
              value={ticketRef}
              placeholder="OPS-123"
              spellCheck={false}
              aria-describedby="ticket-help"
              onChange={(e) => {
                setTicketRef(e.target.value)
              }}
            />
            <p id="ticket-help" className="help">
              The ticket is an input to the decision, not the authorization. Required for high and
              critical entitlements by the shipped policy.
            </p>
          </div>
          <div className="field span-2">
            <label htmlFor="justification">Justification</label>
            <textarea
              id="justification"
              rows={3}
              required
              value={justification}
              aria-describedby="justification-help"
              onChange={(e) => {
                setJustification(e.target.value)
              }}
            />
            <p id="justification-help" className="help">
              What you will do with the access. Reviewers and auditors read this.
            </p>
          </div>
          <DurationField
            value={duration}
            onChange={setDuration}
            defaultSeconds={selected?.defaultDurationSeconds ?? null}
            maxSeconds={selected?.maxDurationSeconds ?? null}
          />
          <RevocationField value={revocation} onChange={setRevocation} />
        </div>
        {entitlementId !== '' && !submit.result && <RequestPreviewPanel state={preview} />}
        <div aria-live="polite">
          {submit.error && <ErrorNotice error={submit.error} title="Request not accepted" />}
          {submit.result && <SubmitResultPanel result={submit.result} />}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={submit.busy || entitlementId === ''}>
            {submit.busy ? 'Submitting…' : 'Submit request'}
          </button>
          {entitlementId === '' && <span className="muted">Choose an entitlement first.</span>}
        </div>
      </form>
    </Page>
  )
}
