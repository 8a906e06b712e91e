import type { AuditEventJson } from '../api/types'
import { formatDateTime } from '../lib/format'

export function AuditTable({
  events,
  onFilter,
}: {
  events: AuditEventJson[]
  onFilter: (filter: { requestId?: string; grantId?: string }) => void
}) {
  return (
    <div className="table-scroll" role="region" aria-label="Audit events" tabIndex={0}>
      <table className="audit-table">
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Actor</th>
            <th scope="col">Request</th>
            <th scope="col">Grant</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} data-seq={e.seq}>
              <td>{e.seq}</td>
              <td className="nowrap">{formatDateTime(e.at)}</td>
              <td>
                <code>{e.type}</code>
              </td>
              <td>{e.actor}</td>
              <td>
                {e.requestId && (
                  <button
                    type="button"
                    className="link-button"
                    title="Show only this request"
                    onClick={() => {
                      onFilter({ requestId: e.requestId ?? '' })
                    }}
                  >
                    {e.requestId}
                  </button>
                )}
              </td>
              <td>
                {e.grantId && (
                  <button
                    type="button"
                    className="link-button"
                    title="Show only this grant"
                    onClick={() => {
                      onFilter({ grantId: e.grantId ?? '' })
                    }}
                  >
                    {e.grantId}
                  </button>
                )}
              </td>
              <td>
                <details>
                  <summary>
                    {Object.keys(e.data).length} fields
                    <span className="visually-hidden"> of event {e.seq}</span>
                  </summary>
                  <pre className="event-data">{JSON.stringify(e.data, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
