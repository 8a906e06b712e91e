import { createPublicKey, verify } from 'node:crypto';
import { checkpointPayload, verifyAuditChain, } from '../domain/audit-event.js';
/**
 * Verifies an exported chain offline with only the checkpoint public key: the hash chain itself,
 * every checkpoint's signature, that each checkpoint matches the chain at its sequence (an edited
 * and re-hashed history fails here), and that no checkpoint lies beyond the end (truncation).
 */
export function verifyExport(events, checkpoints, publicKeyPem) {
    const chain = verifyAuditChain(events);
    if (!chain.ok)
        return chainBroken(events.length, chain.firstBadSeq, chain.reason);
    const key = createPublicKey(publicKeyPem);
    // The chain check passed from the genesis, so the event at seq n is events[n - 1].
    return checkCheckpoints(events.length, chain.lastSeq, sortCheckpoints(checkpoints), (cp) => signatureValid(cp, key), (seq) => events[seq - 1]?.hash);
}
/** Checkpoints in the order they are checked (the first failure in it is the one reported). */
export function sortCheckpoints(checkpoints) {
    return [...checkpoints].sort((a, b) => a.seq - b.seq);
}
export function signatureValid(cp, key) {
    return verify(null, Buffer.from(checkpointPayload(cp)), key, Buffer.from(cp.signature, 'base64url'));
}
/**
 * The checkpoint half of `verifyExport`, once the chain itself held from the genesis to
 * `lastSeq`: shared with the line verifier so both report the same first failure.
 * `hashAt(seq)` is the hash of the event at that sequence number, if there is one.
 */
export function checkCheckpoints(events, lastSeq, sorted, signed, hashAt) {
    const base = { events, checkpointsChecked: 0 };
    let checked = 0;
    let lastGood = 0;
    for (const [index, cp] of sorted.entries()) {
        if (!signed(cp, index)) {
            return fail(base, lastSeq, cp.seq, `checkpoint at seq ${cp.seq} has a bad signature`);
        }
        if (cp.seq > lastSeq) {
            return fail(base, lastSeq, lastSeq + 1, `chain ends at seq ${lastSeq} but a signed checkpoint covers seq ${cp.seq}: events were removed`);
        }
        const hash = hashAt(cp.seq);
        if (hash !== undefined && hash !== cp.hash) {
            // The earlier checkpoint still matched, so the rewrite starts after it.
            return fail(base, lastSeq, lastGood + 1, `history up to seq ${cp.seq} differs from the signed checkpoint`);
        }
        if (hash !== undefined)
            lastGood = cp.seq;
        checked++;
    }
    return {
        ...base,
        ok: true,
        lastSeq,
        checkpointsChecked: checked,
        firstBadSeq: null,
        reason: null,
    };
}
/** The report for a chain that broke at `firstBadSeq` (the checkpoints are not looked at). */
export function chainBroken(events, firstBadSeq, reason) {
    return {
        events,
        checkpointsChecked: 0,
        ok: false,
        lastSeq: firstBadSeq - 1,
        firstBadSeq,
        reason,
    };
}
function fail(base, lastSeq, firstBadSeq, reason) {
    return { ...base, ok: false, lastSeq, checkpointsChecked: 0, firstBadSeq, reason };
}
/** Parses one exported JSONL line back into an event (dates arrive as ISO strings). */
export function parseExportedEvent(line) {
    const raw = JSON.parse(line);
    return { ...raw, at: new Date(raw.at) };
}
export function parseCheckpoint(line) {
    const raw = JSON.parse(line);
    return { ...raw, at: new Date(raw.at) };
}
