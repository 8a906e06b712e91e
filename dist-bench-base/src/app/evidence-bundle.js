import { verifyAuditChain } from '../domain/audit-event.js';
import { AppError } from '../domain/errors.js';
import { deriveDecisions, deriveReviews, EVIDENCE_FORMAT, evidenceKindOf, inclusionPayload, publicKeyFingerprint, } from '../domain/evidence.js';
import { isAdmin } from './load.js';
/** A request's events are few; this bounds a pathological one (e.g. a retry storm). */
const MAX_ITEMS = 10_000;
const PAGE = 1000;
/**
 * Who may read a request's evidence: its parties, the subject's owner, the entitlement's owners,
 * its named and actual reviewers, admins and the security group. Everyone else is told the
 * request does not exist, so that evidence ids do not confirm that a request exists.
 */
export async function mayReadEvidence(deps, actor, r) {
    if ([r.requesterId, r.subjectId, ...r.eligibleReviewers].includes(actor.id))
        return true;
    if (isAdmin(actor, deps.settings.adminGroup))
        return true;
    if (actor.kind === 'human' && actor.groups.includes(deps.settings.governance.breakGlass.securityGroup))
        return true;
    const subject = await deps.store.identities.get(r.subjectId);
    if (subject?.ownerId === actor.id)
        return true;
    const entitlement = await deps.store.catalog.getEntitlement(r.entitlementId);
    if (entitlement?.owners.includes(actor.id))
        return true;
    const reviews = await deps.store.reviews.listForRequest(r.id);
    return reviews.some((v) => v.reviewerId === actor.id);
}
export async function assembleEvidence(deps, signer, actor, requestId, view) {
    const request = await deps.store.requests.get(requestId);
    if (!request || !(await mayReadEvidence(deps, actor, request))) {
        throw new AppError('request.not_found', `No request ${JSON.stringify(requestId)}`);
    }
    const { items, checkpoint, inclusion } = await readAttested(deps, signer, requestId);
    return {
        format: EVIDENCE_FORMAT,
        generatedAt: deps.clock.now(),
        requestId,
        request: view(request),
        items,
        decisions: deriveDecisions(items),
        reviews: deriveReviews(items),
        checkpoint,
        inclusion,
        status: inclusion ? 'checkpointed' : 'not_yet_checkpointed',
        publicKey: {
            pem: signer.publicKeyPem,
            fingerprint: publicKeyFingerprint(signer.publicKeyPem),
            keyId: signer.keyId,
        },
    };
}
/**
 * An event of the request appended while we read would make the statement "these are all of its
 * events up to the checkpoint" false; read again then (the engine may be acting on it right now).
 */
async function readAttested(deps, signer, requestId) {
    for (let attempt = 0; attempt < 3; attempt++) {
        const events = await deps.store.audit.list({ requestId, limit: MAX_ITEMS });
        if (events.length >= MAX_ITEMS) {
            throw new AppError('input.too_large', `Request ${requestId} has too many audit events for one bundle`);
        }
        const items = events.map((event) => ({ kind: evidenceKindOf(event.type), seq: event.seq, hash: event.hash, event }));
        const last = items[items.length - 1];
        const checkpoint = last ? await coveringCheckpoint(deps, signer, last.seq) : null;
        const inclusion = checkpoint ? await attestInclusion(deps, signer, requestId, items, checkpoint) : null;
        if (inclusion !== 'raced')
            return { items, checkpoint, inclusion };
    }
    throw new AppError('internal', `Request ${requestId} kept changing while its evidence was read`);
}
/** The earliest checkpoint at or after `seq`, signing the head now when none covers it yet. */
async function coveringCheckpoint(deps, signer, seq) {
    const existing = (await deps.store.audit.listCheckpoints())
        .filter((c) => c.seq >= seq && c.keyId === signer.keyId)
        .sort((a, b) => a.seq - b.seq)[0];
    if (existing)
        return existing;
    const made = await signer.checkpointNow();
    return made && made.seq >= seq ? made : null;
}
/**
 * Re-verifies every link from the first item to the checkpoint against the stored chain, then
 * signs the (seq, hash) of each item and the checkpoint head. The verifier cannot redo the walk
 * without other requests' events, so the signature is only given after the walk succeeds.
 */
async function attestInclusion(deps, signer, requestId, items, checkpoint) {
    const first = items[0];
    if (!first)
        throw new AppError('internal', 'no items to attest');
    const wanted = new Map(items.map((i) => [i.seq, i.hash]));
    let start = { seq: first.seq - 1, hash: first.event.prevHash };
    let seen = 0;
    let foreign = 0;
    let headHash = null;
    while (start.seq < checkpoint.seq) {
        const page = (await deps.store.audit.list({ afterSeq: start.seq, limit: PAGE })).filter((e) => e.seq <= checkpoint.seq);
        if (page.length === 0)
            break;
        const check = verifyAuditChain(page, start);
        if (!check.ok) {
            throw new AppError('audit.chain_broken', `Audit chain broken at seq ${check.firstBadSeq}: ${check.reason}`);
        }
        for (const e of page) {
            const hash = wanted.get(e.seq);
            if (hash === undefined && e.requestId === requestId)
                return 'raced';
            if (hash === undefined)
                foreign++;
            else if (hash !== e.hash)
                throw new AppError('audit.chain_broken', `Audit event ${e.seq} changed while reading`);
            else
                seen++;
        }
        start = { seq: check.lastSeq, hash: check.lastHash };
        headHash = check.lastHash;
    }
    if (seen !== items.length || start.seq !== checkpoint.seq || headHash !== checkpoint.hash) {
        throw new AppError('audit.chain_broken', `Audit chain does not reach checkpoint ${checkpoint.seq} with its hash`);
    }
    const unsigned = {
        requestId,
        items: items.map((i) => ({ seq: i.seq, kind: i.kind, hash: i.hash, prevHash: i.event.prevHash })),
        checkpoint: { seq: checkpoint.seq, hash: checkpoint.hash },
        foreignEvents: foreign,
        at: deps.clock.now(),
        keyId: signer.keyId,
    };
    return { ...unsigned, signature: signer.sign(inclusionPayload(unsigned)) };
}
