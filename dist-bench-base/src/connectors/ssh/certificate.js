import { createHash, generateKeyPairSync } from 'node:crypto';
import sshpk from 'sshpk';
/** Key ids reach sshd's logs verbatim; grant ids are generated, and this keeps it that way. */
const KEY_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
/**
 * The serial derives from the grant id, so a retried issue signs the same serial and one KRL
 * entry revokes every attempt. The top bit is cleared so the value reads the same signed or
 * unsigned; 0 means "no serial" to OpenSSH and cannot be revoked, so it is never produced.
 */
export function serialForGrant(grantId) {
    const digest = createHash('sha256').update(`hourglass/ssh/serial\n${grantId}`).digest();
    const serial = digest.readBigUInt64BE(0) & 0x7fffffffffffffffn;
    return serial === 0n ? 1n : serial;
}
export function isValidKeyId(keyId) {
    return KEY_ID_PATTERN.test(keyId);
}
/**
 * Generates a fresh Ed25519 key pair for the subject and signs a user certificate for it.
 * Principals are exactly the entitlement's; key id is the grant id; options come only from
 * the fixed allow-list in `certificateOptions`.
 */
export function signUserCertificate(request) {
    const { ca, grantId, params } = request;
    if (!isValidKeyId(grantId))
        throw new RangeError('grant id is not a valid certificate key id');
    if (params.principals.length === 0)
        throw new RangeError('a certificate needs a principal');
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const userKey = sshpk.parsePrivateKey(pem, 'pem');
    userKey.comment = grantId;
    const serial = serialForGrant(grantId);
    const serialBytes = Buffer.alloc(8);
    serialBytes.writeBigUInt64BE(serial);
    const cert = sshpk.createCertificate(params.principals.map((principal) => sshpk.identityForUser(principal)), userKey.toPublic(), sshpk.identityForUser('hourglass'), ca.privateKey, {
        validFrom: new Date(request.validAfter * 1000),
        validUntil: new Date(request.validBefore * 1000),
        serial: serialBytes,
    });
    const signature = cert.signatures.openssh;
    if (signature === undefined)
        throw new Error('sshpk produced no OpenSSH signature');
    signature.keyId = grantId;
    signature.exts = certificateOptions(params);
    // The key id and options are part of the signed body, so sign again after setting them.
    cert.signWith(ca.privateKey);
    return {
        serial,
        privateKey: userKey.toString('openssh'),
        certificate: `${cert.toString('openssh').trim()}\n`,
    };
}
/**
 * Critical options, then extensions, each sorted by name as OpenSSH expects. Nothing outside
 * this list can be set: no X11 forwarding, no user rc, no other critical option.
 */
export function certificateOptions(params) {
    const critical = [];
    if (params.forceCommand !== undefined)
        critical.push(option(true, 'force-command', sshString(params.forceCommand)));
    if (params.sourceAddress !== undefined)
        critical.push(option(true, 'source-address', sshString(params.sourceAddress.join(','))));
    const extensions = [];
    if (params.permitAgentForwarding)
        extensions.push(option(false, 'permit-agent-forwarding', Buffer.alloc(0)));
    if (params.permitPortForwarding)
        extensions.push(option(false, 'permit-port-forwarding', Buffer.alloc(0)));
    if (params.permitPty)
        extensions.push(option(false, 'permit-pty', Buffer.alloc(0)));
    return [...critical.sort(byName), ...extensions.sort(byName)];
}
function option(critical, name, data) {
    return { critical, name, data };
}
function byName(a, b) {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
function sshString(value) {
    const bytes = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
}
