import { readFileSync } from 'node:fs';
import { AppError } from '../../domain/errors.js';
import { parseBundle, verifyBundle } from '../../audit/verify-bundle.js';
import { parseExportedEvent } from '../../audit/verify-chain.js';
import { EXIT_CODES } from '../client.js';
function human(r) {
    if (r.ok) {
        const how = r.inclusion === 'proven' ? 'proven against the exported chain' : 'attested by the signed inclusion statement';
        return `evidence OK: request ${r.requestId ?? '?'}, ${r.items} item(s), checkpoint seq ${r.checkpointSeq ?? '?'} verifies; inclusion ${how}`;
    }
    if (r.status === 'not_yet_checkpointed') {
        return `evidence NOT YET CHECKPOINTED: ${r.items} item(s) check out, but no signed checkpoint covers them yet`;
    }
    return `evidence INVALID: ${r.failure?.item ?? 'bundle'}: ${r.failure?.reason ?? 'unknown'}`;
}
/** `hourglass audit verify --bundle`: fully offline, with only a public key. */
export function verifyBundleFile(o, out) {
    const bundle = parseBundle(readFileSync(o.bundle, 'utf8'));
    const chain = o.file
        ? readFileSync(o.file, 'utf8').split('\n').filter((l) => l.trim() !== '').map(parseExportedEvent)
        : undefined;
    const report = verifyBundle(bundle, {
        ...(o.publicKey ? { publicKeyPem: readFileSync(o.publicKey, 'utf8') } : {}),
        ...(chain ? { chain } : {}),
    });
    if (report.keySource === 'embedded') {
        out.info(`warning: verifying with the key embedded in the bundle (fingerprint ${report.keyFingerprint ?? '?'}); ` +
            'this proves integrity only, not origin. Compare the fingerprint with a key you trust, or pass --public-key.');
    }
    out.print(report, human);
    if (report.ok)
        return;
    const code = report.status === 'not_yet_checkpointed' ? 'evidence.not_checkpointed' : 'evidence.invalid';
    if (out.json) {
        // The report already names the failing item; one JSON document on stdout keeps scripts simple.
        process.exitCode = EXIT_CODES[report.status === 'not_yet_checkpointed' ? 'unavailable' : 'conflict'];
        return;
    }
    throw new AppError(code, human(report), { details: { reported: true } });
}
