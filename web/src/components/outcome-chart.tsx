import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js'
import { useId } from 'react'
import { Bar } from 'react-chartjs-2'

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip)

export interface OutcomeRow {
  label: string
  value: number | null
  /** How the value reads in the table, e.g. "1.2 s" or "85 %". */
  text?: string
}

/**
 * One outcome metric: a bar chart for the eye and, under it, the same numbers as a table for
 * screen readers and for copying. The canvas is hidden from assistive technology; the table is not.
 */
export function OutcomeChart({
  title,
  summary,
  rows,
  unit,
  testId,
}: {
  title: string
  summary: string
  rows: OutcomeRow[]
  unit: string
  testId: string
}) {
  const id = useId()
  return (
    <figure className="card outcome" aria-labelledby={`${id}-t`} data-testid={testId}>
      <figcaption>
        <h2 id={`${id}-t`}>{title}</h2>
        <p className="muted">{summary}</p>
      </figcaption>
      <div className="chart-box" aria-hidden="true">
        <Bar
          data={{
            labels: rows.map((r) => r.label),
            datasets: [
              {
                label: unit,
                data: rows.map((r) => r.value ?? 0),
                backgroundColor: '#1d4ed8',
              },
            ],
          }}
          options={{
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: { legend: { display: false } },
            scales: { y: { beginAtZero: true, title: { display: true, text: unit } } },
          }}
        />
      </div>
      <table className="outcome-table">
        <caption className="visually-hidden">{title}: the numbers</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td>{r.text ?? (r.value === null ? '—' : String(r.value))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
