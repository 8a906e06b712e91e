import { createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import { checkpointPayload, hashAuditEvent, verifyAuditChain, } from '../domain/audit-event.js';
import { deriveDecisions, deriveReviews, EVIDENCE_FORMAT, evidenceKindOf, inclusionPayload, publicKeyFingerprint, } from '../domain/evidence.js';
import { auditKeyId } from './audit-keys.js';
class Failed extends Error {
    failure;
    constructor(failure) {
        super(`${failure.item}: ${failure.reason}`);
        this.failure = failure;
    }
}
function fail(item, reason) {
    throw new Failed({ item, reason });
}
const nameOf = (e) => `${evidenceKindOf(e.type)} seq ${e.seq}`;
/** Parses a bundle as written by `hourglass evidence` (dates arrive as ISO strings). */
export function parseBundle(text) {
    return JSON.parse(text, (key, value) => (key === 'at' || key === 'generatedAt') && typeof value === 'string' ? new Date(value) : value);
}
/**
 * Verifies an evidence bundle offline (docs/evidence.md): each item's hash recomputes from its
 * content, adjacent items link, the derived summaries match the items, the checkpoint and the
 * inclusion statement verify with the key, and the statement lists exactly the bundle's items.
 * Never throws on a bad bundle: the report names the first item that fails.
 */
export function verifyBundle(bundle, options = {}) {
    const keySource = options.publicKeyPem ? 'given' : 'embedded';
    const report = {
        ok: false,
        status: 'invalid',
        requestId: typeof bundle.requestId === 'string' ? bundle.requestId : null,
        items: Array.isArray(bundle.items) ? bundle.items.length : 0,
        checkpointSeq: bundle.checkpoint?.seq ?? null,
        keySource,
        keyFingerprint: null,
        inclusion: null,
        failure: null,
    };
    try {
        if (bundle.format !== EVIDENCE_FORMAT)
            fail('bundle', `unknown format ${JSON.stringify(bundle.format)}`);
        const pem = options.publicKeyPem ?? bundle.publicKey.pem;
        let key;
        try {
            key = createPublicKey(pem);
            report.keyFingerprint = publicKeyFingerprint(pem);
        }
        catch {
            fail('public key', 'not a readable SPKI PEM public key');
        }
        // Signed facts first, so a changed-and-re-hashed item is named itself, not its neighbour.
        checkItems(bundle);
        const { checkpoint, inclusion } = bundle;
        const checkpointed = bundle.status !== 'not_yet_checkpointed' && checkpoint !== null && inclusion !== null;
        if (checkpointed) {
            checkCheckpoint(checkpoint, key, bundle.items);
            checkInclusion(bundle, key);
        }
        checkLinks(bundle);
        checkSummaries(bundle);
        if (!checkpointed)
            return { ...report, status: 'not_yet_checkpointed' };
        report.inclusion = 'attested';
        if (options.chain) {
            checkAgainstChain(bundle.items, checkpoint, options.chain);
            report.inclusion = 'proven';
        }
        return { ...report, ok: true, status: 'verified' };
    }
    catch (error) {
        if (error instanceof Failed)
            return { ...report, failure: error.failure };
        // A malformed bundle (missing fields, wrong types) is a failure of the bundle, not a crash.
        return { ...report, failure: { item: 'bundle', reason: `malformed: ${error instanceof Error ? error.message : String(error)}` } };
    }
}
function checkItems(bundle) {
    if (!Array.isArray(bundle.items) || bundle.items.length === 0)
        fail('bundle', 'has no items');
    let prev = null;
    for (const item of bundle.items) {
        const e = item.event;
        const name = nameOf(e);
        if (e.requestId !== bundle.requestId)
            fail(name, `belongs to request ${JSON.stringify(e.requestId)}, not this one`);
        if (item.seq !== e.seq || item.hash !== e.hash)
            fail(name, 'its label (seq, hash) does not match its event');
        if (item.kind !== evidenceKindOf(e.type))
            fail(name, `is labelled ${JSON.stringify(item.kind)} but its event is ${e.type}`);
        if (hashAuditEvent(e) !== e.hash)
            fail(name, 'content does not match its hash (the item was changed)');
        if (prev && e.seq <= prev.seq)
            fail(name, `out of order after seq ${prev.seq}`);
        prev = e;
    }
}
/** Adjacent items are chained directly; gaps are covered by the signed inclusion statement. */
function checkLinks(bundle) {
    let prev = null;
    for (const { event: e } of bundle.items) {
        if (prev?.seq === e.seq - 1 && e.prevHash !== prev.hash)
            fail(nameOf(e), `does not link to seq ${prev.seq}`);
        prev = e;
    }
}
/** The decisions and reviews sections are conveniences; a reader must not be misled by them. */
function checkSummaries(bundle) {
    const pairs = [
        ['decision', deriveDecisions(bundle.items), bundle.decisions],
        ['review', deriveReviews(bundle.items), bundle.reviews],
    ];
    for (const [label, derived, given] of pairs) {
        const list = Array.isArray(given) ? given : [];
        const n = Math.max(derived.length, list.length);
        for (let i = 0; i < n; i++) {
            const want = derived[i];
            if (canonicalJson(want ?? null) !== canonicalJson(list[i] ?? null)) {
                const seq = want?.seq ?? list[i]?.seq ?? '?';
                fail(`${label} seq ${seq}`, `the ${label}s section does not match the items it summarises`);
            }
        }
    }
}
function checkCheckpoint(cp, key, items) {
    const name = `checkpoint seq ${cp.seq}`;
    const keyId = auditKeyId(key);
    if (cp.keyId !== keyId)
        fail(name, `signed by key ${cp.keyId}, not by the verifying key ${keyId}`);
    const valid = verify(null, Buffer.from(checkpointPayload(cp)), key, Buffer.from(cp.signature, 'base64url'));
    if (!valid)
        fail(name, 'signature does not verify with the key');
    const last = items[items.length - 1];
    if (last && cp.seq < last.seq)
        fail(name, `does not cover the last item (seq ${last.seq})`);
}
function checkInclusion(bundle, key) {
    const inc = bundle.inclusion;
    const cp = bundle.checkpoint;
    if (!inc || !cp)
        return;
    const name = 'inclusion statement';
    const valid = verify(null, Buffer.from(inclusionPayload(inc)), key, Buffer.from(inc.signature, 'base64url'));
    if (!valid)
        fail(name, 'signature does not verify with the key');
    if (inc.keyId !== cp.keyId)
        fail(name, 'signed by another key than the checkpoint');
    if (inc.requestId !== bundle.requestId)
        fail(name, 'is about another request');
    if (inc.checkpoint.seq !== cp.seq || inc.checkpoint.hash !== cp.hash)
        fail(name, `names another checkpoint than seq ${cp.seq}`);
    const bySeq = new Map(bundle.items.map((i) => [i.seq, i]));
    for (const listed of inc.items) {
        const itemName = `${listed.kind} seq ${listed.seq}`;
        const item = bySeq.get(listed.seq);
        if (!item)
            fail(itemName, 'is in the signed inclusion statement but missing from the bundle (removed)');
        if (item.event.hash !== listed.hash || item.event.prevHash !== listed.prevHash || item.kind !== listed.kind) {
            fail(itemName, 'differs from the signed inclusion statement (replaced)');
        }
        bySeq.delete(listed.seq);
    }
    for (const extra of bySeq.values())
        fail(nameOf(extra.event), 'is not in the signed inclusion statement (added)');
}
function checkAgainstChain(items, cp, chain) {
    const check = verifyAuditChain(chain);
    if (!check.ok)
        fail(`chain export seq ${check.firstBadSeq}`, check.reason);
    const bySeq = new Map(chain.map((e) => [e.seq, e.hash]));
    for (const item of items) {
        if (bySeq.get(item.seq) !== item.event.hash)
            fail(nameOf(item.event), 'is not in the exported chain at its seq');
    }
    if (bySeq.get(cp.seq) !== cp.hash)
        fail(`checkpoint seq ${cp.seq}`, 'does not match the exported chain at its seq');
}
