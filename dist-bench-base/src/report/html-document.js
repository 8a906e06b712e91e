/**
 * Building blocks for self-contained HTML files an auditor opens offline (the governance report
 * now, the evidence view later): everything that reaches the page is escaped here.
 */
const HTML_ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
};
/** Text for element content and quoted attribute values. */
export function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
/**
 * JSON safe inside a `<script type="application/json">` element: no `<`, `>` or `&` survive
 * (so `</script>` or `<!--` in a value cannot end or confuse the element), nor the two line
 * separators JavaScript once treated as newlines.
 */
export function jsonForScript(value) {
    return JSON.stringify(value)
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
}
/** A table from rows of already-formatted strings; every cell and header is escaped. */
export function htmlTable(rows, columns, caption) {
    const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
    const body = rows.length === 0
        ? `<tr><td colspan="${String(columns.length)}">(none)</td></tr>`
        : rows
            .map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(r[c] ?? '-')}</td>`).join('')}</tr>`)
            .join('\n');
    const cap = caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`;
    return `<table>${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d5d9e0;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;min-width:24rem}
th,td{border:1px solid #d5d9e0;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}caption{text-align:left;font-weight:600;padding:.3rem 0}
.chart{max-width:46rem;height:18rem;margin:.5rem 0 1rem}.note{color:#5b6475}`;
/**
 * One HTML file with no outside references: a Content-Security-Policy forbids every fetch, so
 * what the auditor sees is exactly what was written.
 */
export function htmlDocument(parts) {
    for (const lib of [...parts.libraries, parts.script]) {
        if (/<\/script/i.test(lib))
            throw new Error('inline code must not contain </script');
    }
    const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
    return [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
        `<title>${escapeHtml(parts.title)}</title>`,
        `<style>${STYLE}</style>`,
        '</head><body>',
        parts.body,
        `<script type="application/json" id="${escapeHtml(parts.data.id)}">${jsonForScript(parts.data.value)}</script>`,
        ...parts.libraries.map((lib) => `<script>${lib}</script>`),
        `<script>${parts.script}</script>`,
        '</body></html>',
        '',
    ].join('\n');
}
