/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
    const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? '';
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111;max-width:70rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,.hash{font:12px ui-monospace,monospace;word-break:break-all}
.warn{background:#fff4d6;border:1px solid #e0b040;padding:.5rem}pre{white-space:pre-wrap;margin:0;font-size:12px}`;
function row(cells, tag = 'td') {
    return `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
}
function hashCell(hash) {
    return `<td class="hash">${escapeHtml(hash)}</td>`;
}
function itemRow(i) {
    return `<tr><td>${escapeHtml(i.seq)}</td><td>${escapeHtml(i.kind)}</td><td>${escapeHtml(i.event.at)}</td>` +
        `<td>${escapeHtml(i.event.actor)}</td><td><pre>${escapeHtml(JSON.stringify(i.event.data, null, 1))}</pre></td>${hashCell(i.hash)}</tr>`;
}
/**
 * A self-contained page for an auditor: the timeline, decisions and reviews, and how to verify.
 * Every value from the bundle is escaped: justifications and comments are user text.
 */
export function renderEvidenceHtml(b) {
    const r = b.request;
    const cp = b.checkpoint;
    const notYet = b.status === 'not_yet_checkpointed'
        ? '<p class="warn">No signed checkpoint covers these events yet: verification reports "not yet checkpointed". Fetch the bundle again later.</p>'
        : '';
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence for request ${escapeHtml(b.requestId)}</title>
<style>${STYLE}</style></head><body>
<h1>Evidence for request <code>${escapeHtml(b.requestId)}</code></h1>
${notYet}
<table>
${row(['Requester', r.requesterId])}${row(['Subject', r.subjectId])}${row(['Entitlement', r.entitlementId])}
${row(['Justification', r.justification])}${row(['Ticket', r.ticketRef ?? '—'])}${row(['State now', r.state])}
${row(['Bundle generated', b.generatedAt])}${row(['Format', b.format])}
</table>
<h2>Policy decisions</h2>
<table>${row(['Stage', 'Seq', 'Allowed', 'Policy bundle hash', 'Determining policies', 'Obligations', 'Reasons', 'Event hash'], 'th')}
${b.decisions.map((d) => `<tr><td>${escapeHtml(d.stage)}</td><td>${escapeHtml(d.seq)}</td><td>${escapeHtml(d.allowed)}</td><td class="hash">${escapeHtml(d.policyHash)}</td><td>${escapeHtml(d.determiningPolicies)}</td><td><pre>${escapeHtml(JSON.stringify(d.obligations, null, 1))}</pre></td><td>${escapeHtml(d.reasons)}</td>${hashCell(d.hash)}</tr>`).join('\n')}
</table>
<h2>Reviews</h2>
<table>${row(['Seq', 'Reviewer', 'Verdict', 'Owner of the entitlement', 'Comment', 'Event hash'], 'th')}
${b.reviews.map((v) => `<tr><td>${escapeHtml(v.seq)}</td><td>${escapeHtml(v.reviewerId)}</td><td>${escapeHtml(v.verdict)}</td><td>${escapeHtml(v.reviewerIsOwner)}</td><td>${escapeHtml(v.comment ?? '')}</td>${hashCell(v.hash)}</tr>`).join('\n')}
</table>
<h2>Timeline</h2>
<table>${row(['Seq', 'Kind', 'At', 'Actor', 'Recorded data', 'Event hash'], 'th')}
${b.items.map(itemRow).join('\n')}
</table>
<h2>Signatures</h2>
<table>
${row(['Checkpoint', cp ? `seq ${cp.seq} at ${cp.at instanceof Date ? cp.at.toISOString() : String(cp.at)}` : 'none yet'])}
${cp ? `<tr><td>Checkpoint head hash</td>${hashCell(cp.hash)}</tr>` : ''}
${row(['Events of other requests between (hashes withheld)', b.inclusion?.foreignEvents ?? '—'])}
${row(['Signing key id', b.publicKey.keyId])}
<tr><td>Key fingerprint (sha256 of SPKI)</td>${hashCell(b.publicKey.fingerprint)}</tr>
</table>
<p>This page is a reading aid. To verify, run <code>hourglass audit verify --bundle &lt;file.json&gt; --public-key &lt;trusted.pem&gt;</code> on the JSON bundle, with a public key obtained independently of the bundle.</p>
</body></html>
`;
}
