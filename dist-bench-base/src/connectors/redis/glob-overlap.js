/**
 * Whether two Redis glob patterns can match a common key: how reconciliation spots a user made
 * by hand (`~app:*`) that reaches keys an entitlement grants (`app:orders:*`). Follows Redis's
 * `stringmatchlen`: `*`, `?`, `[...]` with `^` negation and `a-z` ranges, `\` escapes.
 */
/**
 * Decided exactly, by searching the product of the two patterns as automata; patterns are short
 * (ours ≤ 128 characters), so the (i, j) state space stays small.
 */
export function globsOverlap(a, b) {
    const x = tokenize(a);
    const y = tokenize(b);
    const seen = new Set();
    const stack = [[0, 0]];
    const width = y.length + 1;
    while (stack.length > 0) {
        const [i, j] = stack.pop() ?? [0, 0];
        if (seen.has(i * width + j))
            continue;
        seen.add(i * width + j);
        if (i === x.length && j === y.length)
            return true;
        const p = x[i];
        const q = y[j];
        // A star may match nothing, or one more character that the other side also matches.
        if (p?.star) {
            stack.push([i + 1, j]);
            if (q !== undefined && (q.star || nonEmpty(q)))
                stack.push([i, j + 1]);
        }
        if (q?.star) {
            stack.push([i, j + 1]);
            if (p !== undefined && (p.star || nonEmpty(p)))
                stack.push([i + 1, j]);
        }
        if (p !== undefined && q !== undefined && !p.star && !q.star && intersect(p, q)) {
            stack.push([i + 1, j + 1]);
        }
    }
    return false;
}
/** Whether a key matches a pattern, with the same tokens: the reference the tests check against. */
export function globMatches(pattern, key) {
    const tokens = tokenize(pattern);
    const memo = new Map();
    const match = (i, j) => {
        const slot = i * (key.length + 1) + j;
        const known = memo.get(slot);
        if (known !== undefined)
            return known;
        const t = tokens[i];
        let result;
        if (t === undefined)
            result = j === key.length;
        else if (t.star)
            result = match(i + 1, j) || (j < key.length && match(i, j + 1));
        else
            result = j < key.length && t.has(key.charCodeAt(j)) && match(i + 1, j + 1);
        memo.set(slot, result);
        return result;
    };
    return match(0, 0);
}
function tokenize(pattern) {
    const tokens = [];
    let i = 0;
    while (i < pattern.length) {
        const char = pattern.charAt(i);
        if (char === '*') {
            // Consecutive stars are one star.
            if (tokens.at(-1)?.star !== true)
                tokens.push({ star: true });
            i++;
        }
        else if (char === '?') {
            tokens.push({ star: false, has: () => true, literals: [] });
            i++;
        }
        else if (char === '[') {
            const [token, next] = bracket(pattern, i + 1);
            tokens.push(token);
            i = next;
        }
        else {
            // A trailing backslash is a literal backslash, as in Redis.
            const escaped = char === '\\' && i + 1 < pattern.length;
            tokens.push(literal(pattern.charCodeAt(escaped ? i + 1 : i)));
            i += escaped ? 2 : 1;
        }
    }
    return tokens;
}
function literal(code) {
    return { star: false, has: (c) => c === code, literals: [code] };
}
/** Parses a class starting after its `[`; an unterminated class ends with the pattern. */
function bracket(pattern, start) {
    let i = start;
    const negate = pattern.charAt(i) === '^';
    if (negate)
        i++;
    const ranges = [];
    while (i < pattern.length && pattern.charAt(i) !== ']') {
        if (pattern.charAt(i) === '\\' && i + 1 < pattern.length) {
            const code = pattern.charCodeAt(i + 1);
            ranges.push([code, code]);
            i += 2;
        }
        else if (pattern.charAt(i + 1) === '-' && i + 2 < pattern.length) {
            const from = pattern.charCodeAt(i);
            const to = pattern.charCodeAt(i + 2);
            ranges.push(from <= to ? [from, to] : [to, from]);
            i += 3;
        }
        else {
            const code = pattern.charCodeAt(i);
            ranges.push([code, code]);
            i++;
        }
    }
    const inRanges = (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi);
    const literals = ranges.flatMap(([lo, hi]) => (lo === hi ? [lo] : [lo, hi]));
    const token = { star: false, has: (c) => inRanges(c) !== negate, literals };
    return [token, i + 1];
}
/** Characters worth trying: every byte, plus any wider character either side names. */
function candidates(p, q) {
    const wide = [...(p.star ? [] : p.literals), ...(q.star ? [] : q.literals)];
    return [...Array.from({ length: 256 }, (_, c) => c), ...wide.filter((c) => c > 255)];
}
function intersect(p, q) {
    if (p.star || q.star)
        return true;
    return candidates(p, q).some((c) => p.has(c) && q.has(c));
}
function nonEmpty(t) {
    return t.star || candidates(t, t).some((c) => t.has(c));
}
