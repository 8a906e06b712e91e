import { createPublicKey, hash } from 'node:crypto';
import { GENESIS_HASH, hashAuditEvent, } from '../domain/audit-event.js';
import { checkSignatures } from './checkpoint-signatures.js';
import { chainBroken, checkCheckpoints, parseExportedEvent, signatureValid, sortCheckpoints, } from './verify-chain.js';
/**
 * `verifyExport` straight from the exported JSON lines, with the same report for every input.
 * `open` is called once, and once more only when something is wrong (see below).
 *
 * A line written in canonical form (keys sorted, no whitespace: what `audit export` writes) is
 * the hashed body with its top-level `,"hash":"<hex>"` member put in at its sorted place. So it
 * is checked without JSON.parse and re-encoding: cut that member out, sha256 the rest, compare,
 * and read seq and prevHash off the end of the line (in sorted order `data`, the only nested
 * value, comes before `hash`, `id`, `prevHash`, `requestId`, `seq` and `type`, and a JSON string
 * never holds a bare `"`, so the last `,"prevHash":"` and `,"seq":` are the top-level ones).
 * Other lines (another key order, whitespace, extra members) take the exact path: parse and
 * `hashAuditEvent`.
 *
 * That shortcut reads bytes, not values, so a hash that matches proves the bytes only when the
 * hash itself is the server's: a forger can hash a non-canonical line of his own. Hence the
 * shortcut is used only for lines up to the last checkpoint, and the pass accepts only when a
 * checkpoint signed by the key matches after every such line: then by collision resistance each
 * of those lines is the server's canonical body plus its hash, links included, and parsing it
 * would give the same values. Lines after the last checkpoint always take the exact path.
 *
 * Anything off (a broken link, a mismatch, a bad signature, a line that does not parse) stops
 * that pass, and a second, exact pass over the lines finds and reports the first failure exactly
 * as `verifyExport` does. Memory stays bounded: no pass keeps more than one batch of lines.
 */
export async function verifyExportLines(open, checkpoints, publicKeyPem, options = {}) {
    const sorted = sortCheckpoints(checkpoints);
    const signatures = checkSignatures(sorted, publicKeyPem, options.signatures);
    const fast = new OptimisticPass(sorted);
    // Checkpoints that name no line (seq 0, a fraction, text) go straight to the exact pass.
    if (sorted.every((cp) => Number.isSafeInteger(cp.seq) && cp.seq >= 1) &&
        (await feed(open(), fast))) {
        const tail = fast.finish();
        if (tail && (await signatures().catch(() => null))?.every(Boolean) === true) {
            return {
                ok: true,
                events: tail.count,
                lastSeq: tail.lastSeq,
                checkpointsChecked: sorted.length,
                firstBadSeq: null,
                reason: null,
            };
        }
    }
    const exact = new ExactPass(sorted);
    await feed(open(), exact);
    const valid = await signatures().catch(() => null);
    return exact.report(() => {
        if (valid)
            return (_cp, index) => valid[index] === true;
        // Made only once the chain held, as `verifyExport` does (an unusable key throws there).
        const key = createPublicKey(publicKeyPem);
        return (cp) => signatureValid(cp, key);
    });
}
/** Convenience for lines already in memory. */
export function verifyExportLineArray(lines, checkpoints, publicKeyPem, options = {}) {
    return verifyExportLines(() => [lines], checkpoints, publicKeyPem, options);
}
async function feed(batches, sink) {
    for await (const batch of batches) {
        for (const line of batch)
            if (!sink.push(line))
                return false;
    }
    return true;
}
/** What the CLI has always skipped: empty and whitespace-only lines. */
function isBlank(line) {
    // Every event line starts with `{`; only others are worth a trim.
    return line.charCodeAt(0) !== 123 && line.trim() === '';
}
const HASH_MEMBER = ',"hash":"';
const ID_MEMBER = ',"id":"';
const PREV_MEMBER = ',"prevHash":"';
const SEQ_MEMBER = ',"seq":';
/** `,"hash":"` + 64 hex digits + `"`. */
const HASH_MEMBER_LENGTH = HASH_MEMBER.length + 64 + 1;
/** More than the members after `hash` take with ids of usual length: where the search starts. */
const TAIL_SEARCH = 512;
const QUOTE = 34;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;
/**
 * The hash of a canonical line whose seq is `seq` and whose prevHash is `prevHash`, found by
 * string operations alone; null when the line is not in that form or does not hash to it.
 */
export function canonicalLineHash(line, seq, prevHash) {
    const at = lastHashMember(line);
    if (at < 0 || line.charCodeAt(at + HASH_MEMBER_LENGTH - 1) !== QUOTE)
        return null;
    const rest = at + HASH_MEMBER_LENGTH;
    // The member must sit right before the top-level `id`, the last `,"id":"` of the line: then,
    // in a canonical body, the cut is between the top-level `grantId` and `id`, and what follows
    // holds only strings and seq, so the first `,"prevHash":"` and `,"seq":` are top-level ones.
    if (!line.startsWith(ID_MEMBER, rest) || line.indexOf(ID_MEMBER, rest + 1) >= 0)
        return null;
    const prev = line.indexOf(PREV_MEMBER, rest);
    if (prev < 0)
        return null;
    const prevStart = prev + PREV_MEMBER.length;
    if (line.charCodeAt(prevStart + 64) !== QUOTE || !line.startsWith(prevHash, prevStart))
        return null;
    const seqAt = line.indexOf(SEQ_MEMBER, prevStart + 65);
    if (seqAt < 0 || readSeq(line, seqAt + SEQ_MEMBER.length) !== seq)
        return null;
    const digest = hash('sha256', line.slice(0, at) + line.slice(rest), 'hex');
    return line.startsWith(digest, at + HASH_MEMBER.length) ? digest : null;
}
/**
 * Where the last `,"hash":"` of the line starts, or -1. Forward searches over the end of the
 * line, where the top-level member is, cost far less than String#lastIndexOf (a runtime call).
 */
function lastHashMember(line) {
    let at = line.indexOf(HASH_MEMBER, Math.max(0, line.length - TAIL_SEARCH));
    if (at < 0 && line.length > TAIL_SEARCH)
        at = line.indexOf(HASH_MEMBER);
    if (at < 0)
        return -1;
    for (let next = line.indexOf(HASH_MEMBER, at + 1); next >= 0; next = line.indexOf(HASH_MEMBER, at + 1)) {
        at = next;
    }
    return at;
}
/** The non-negative integer at `from`, written as canonical JSON does, ended by a comma. */
function readSeq(line, from) {
    let n = 0;
    let i = from;
    for (;; i++) {
        const c = line.charCodeAt(i);
        if (c < ZERO || c > NINE)
            break;
        n = n * 10 + (c - ZERO);
    }
    const digits = i - from;
    if (digits === 0 || digits > 15 || (digits > 1 && line.charCodeAt(from) === ZERO))
        return -1;
    return line.charCodeAt(i) === COMMA ? n : -1;
}
/** The exact check of one event (what `verifyAuditChain` does for it). */
function checkEvent(e, seq, prevHash) {
    if (e.seq !== seq)
        return { reason: `expected seq ${seq}` };
    if (e.prevHash !== prevHash)
        return { reason: 'prevHash does not match predecessor' };
    if (hashAuditEvent(e) !== e.hash)
        return { reason: 'content does not match its hash' };
    return { hash: e.hash };
}
/** The first pass: accepts only what it can prove, and gives up on anything else. */
class OptimisticPass {
    sorted;
    fastUntil;
    /** The next checkpoint to compare, in seq order (a pointer: cheaper than a lookup per line). */
    next = 0;
    count = 0;
    seq = 0;
    hash = GENESIS_HASH;
    constructor(sorted) {
        this.sorted = sorted;
        this.fastUntil = sorted.length > 0 ? (sorted[sorted.length - 1]?.seq ?? 0) : 0;
    }
    push(line) {
        if (isBlank(line))
            return true;
        this.count++;
        const seq = this.seq + 1;
        let own = seq <= this.fastUntil ? canonicalLineHash(line, seq, this.hash) : null;
        if (own === null) {
            try {
                const r = checkEvent(parseExportedEvent(line), seq, this.hash);
                if (!('hash' in r))
                    return false;
                own = r.hash;
            }
            catch {
                return false;
            }
        }
        this.seq = seq;
        this.hash = own;
        for (let cp = this.sorted[this.next]; cp !== undefined && cp.seq <= seq; cp = this.sorted[++this.next]) {
            if (cp.seq === seq && cp.hash !== own)
                return false;
        }
        return true;
    }
    /**
     * The chain's extent, when no checkpoint lies beyond it; else null. Reaching the end means
     * the last checkpoint matched, which is what vouches for every line read without parsing.
     */
    finish() {
        if (this.fastUntil > this.seq)
            return null;
        return { count: this.count, lastSeq: this.seq };
    }
}
/**
 * The line number (from 1) whose event `verifyExport` compares with a checkpoint at `seq`: it
 * looks at `events[seq - 1]`, so a seq read from a file as text still finds its line.
 */
function position(seq) {
    const index = seq - 1;
    return Number.isInteger(index) && index >= 0 ? index + 1 : null;
}
/** The second pass: `verifyExport` over the parsed lines, one line at a time. */
class ExactPass {
    sorted;
    wanted;
    hashes = new Map();
    count = 0;
    seq = 0;
    hash = GENESIS_HASH;
    broken = null;
    /** What checking threw, rethrown only if no later line fails to parse (parsing comes first). */
    thrown = null;
    constructor(sorted) {
        this.sorted = sorted;
        this.wanted = new Set(sorted.map((cp) => position(cp.seq)));
    }
    push(line) {
        if (isBlank(line))
            return true;
        this.count++;
        if (this.broken || this.thrown) {
            // `verifyExport` gets every line parsed first: one that does not parse throws there.
            parseExportedEvent(line);
            return true;
        }
        const event = parseExportedEvent(line);
        try {
            const seq = this.seq + 1;
            if (event.seq !== seq) {
                this.broken = { seq: event.seq, reason: `expected seq ${seq}` };
                return true;
            }
            const r = checkEvent(event, seq, this.hash);
            if (!('hash' in r)) {
                this.broken = { seq, reason: r.reason };
                return true;
            }
            this.seq = seq;
            this.hash = r.hash;
            if (this.wanted.has(seq))
                this.hashes.set(seq, r.hash);
        }
        catch (error) {
            this.thrown = { error };
        }
        return true;
    }
    report(signer) {
        if (this.thrown)
            throw this.thrown.error;
        if (this.broken)
            return chainBroken(this.count, this.broken.seq, this.broken.reason);
        return checkCheckpoints(this.count, this.seq, this.sorted, signer(), (seq) => this.hashes.get(position(seq) ?? 0));
    }
}
