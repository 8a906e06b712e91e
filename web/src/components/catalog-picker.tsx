import { useId, useState } from 'react'
import type { EntitlementJson } from '../api/types'
import { formatSeconds, humanize } from '../lib/format'
import { RiskBadge } from './badges'
import { EmptyState } from './empty-state'

interface CatalogPickerProps {
  items: EntitlementJson[]
  selectedId: string
  onSelect: (id: string) => void
}

/** Requests name a catalog entitlement, never free text: pick one from the list. */
export function CatalogPicker({ items, selectedId, onSelect }: CatalogPickerProps) {
  const [query, setQuery] = useState('')
  const [target, setTarget] = useState('')
  const ids = useId()
  const targets = [...new Map(items.map((e) => [e.targetId, e.targetKind])).entries()]
  const needle = query.trim().toLowerCase()
  const shown = items.filter(
    (e) =>
      (target === '' || e.targetId === target) &&
      (needle === '' ||
        [e.id, e.name, e.description, e.targetId, e.riskTier].some((s) =>
          s.toLowerCase().includes(needle),
        )),
  )

  return (
    <fieldset className="catalog-picker">
      <legend>Entitlement</legend>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${ids}-q`}>Search the catalog</label>
          <input
            id={`${ids}-q`}
            type="search"
            value={query}
            placeholder="name, id, risk…"
            onChange={(e) => {
              setQuery(e.target.value)
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-t`}>Target</label>
          <select
            id={`${ids}-t`}
            value={target}
            onChange={(e) => {
              setTarget(e.target.value)
            }}
          >
            <option value="">All targets</option>
            {targets.map(([id, kind]) => (
              <option key={id} value={id}>
                {id}
                {kind ? ` (${kind})` : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted small" role="status">
        {shown.length} of {items.length} entitlements
      </p>
      {shown.length === 0 ? (
        <EmptyState title="No entitlement matches">
          <p>Clear the search or pick another target.</p>
        </EmptyState>
      ) : (
        <ul className="catalog-list">
          {shown.map((e) => (
            <li key={e.id}>
              <label className={`catalog-item${e.id === selectedId ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="entitlement"
                  value={e.id}
                  checked={e.id === selectedId}
                  onChange={() => {
                    onSelect(e.id)
                  }}
                />
                <span className="catalog-body">
                  <span className="catalog-title">
                    <strong>{e.name}</strong> <code>{e.id}</code> <RiskBadge tier={e.riskTier} />
                  </span>
                  <span className="catalog-desc">{e.description}</span>
                  <span className="catalog-meta muted small">
                    Target {e.targetId}
                    {e.targetKind ? ` (${e.targetKind})` : ''} · owners {e.owners.join(', ')} ·
                    default {formatSeconds(e.defaultDurationSeconds)} · max{' '}
                    {formatSeconds(e.maxDurationSeconds)} · for{' '}
                    {e.subjectKinds.map(humanize).join(', ')}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}
