/**
 * OpenSSH key revocation lists (PROTOCOL.krl), limited to what Hourglass needs: revoking
 * certificates by serial number under a named CA key. sshd reads the file named by `RevokedKeys`
 * on every authentication, so a rewritten KRL takes effect at the next login attempt.
 */
const KRL_MAGIC = Buffer.from('SSHKRL\n\0', 'latin1');
const KRL_FORMAT_VERSION = 1;
const SECTION_CERTIFICATES = 1;
const CERT_SERIAL_LIST = 0x20;
const CERT_SERIAL_RANGE = 0x21;
const CERT_KEY_ID = 0x23;
const MAX_UINT64 = (1n << 64n) - 1n;
/**
 * Encodes a KRL. Serials are deduplicated and sorted; a CA with none gets no section, so an
 * empty input yields a valid KRL that revokes nothing. Serial 0 is refused: OpenSSH treats it
 * as "no serial" and rejects the whole list when it appears, which would lock out every login.
 */
export function encodeKrl(input) {
    checkUint64(input.version, 'version');
    const parts = [
        KRL_MAGIC,
        uint32(KRL_FORMAT_VERSION),
        uint64(input.version),
        uint64(BigInt(Math.max(0, Math.floor(input.generatedAt.getTime() / 1000)))),
        uint64(0n),
        sshString(Buffer.alloc(0)),
        sshString(Buffer.from(input.comment ?? '', 'utf8')),
    ];
    for (const { caPublicKeyBlob, serials } of mergeByCa([input, ...(input.otherCas ?? [])])) {
        if (serials.length === 0)
            continue;
        const list = Buffer.concat(serials.map(uint64));
        const body = Buffer.concat([
            sshString(caPublicKeyBlob),
            sshString(Buffer.alloc(0)),
            Buffer.from([CERT_SERIAL_LIST]),
            sshString(list),
        ]);
        parts.push(Buffer.from([SECTION_CERTIFICATES]), sshString(body));
    }
    return Buffer.concat(parts);
}
/**
 * Decodes the certificate sections of a KRL, to check what a host will actually refuse.
 * Other sections (plain keys, fingerprints) are skipped; a serial bitmap, which Hourglass never
 * writes, is refused rather than misread.
 * @throws Error when the data is not a well-formed KRL
 */
export function decodeKrl(data) {
    const reader = new Reader(data);
    if (!reader.take(KRL_MAGIC.length).equals(KRL_MAGIC))
        throw new Error('not a KRL');
    if (reader.uint32() !== KRL_FORMAT_VERSION)
        throw new Error('unsupported KRL format version');
    const version = reader.uint64();
    const generatedAt = new Date(Number(reader.uint64()) * 1000);
    reader.uint64();
    reader.string();
    const comment = reader.string().toString('utf8');
    const certificates = [];
    while (!reader.done()) {
        const type = reader.byte();
        const body = reader.string();
        if (type === SECTION_CERTIFICATES)
            certificates.push(decodeCertificates(new Reader(body)));
    }
    return { version, generatedAt, comment, certificates };
}
/** Whether a certificate with this serial, signed by this CA, is revoked by the KRL. */
export function krlRevokesSerial(krl, caPublicKeyBlob, serial) {
    if (serial === 0n)
        return false;
    return krl.certificates.some((section) => (section.caPublicKeyBlob.length === 0 || section.caPublicKeyBlob.equals(caPublicKeyBlob)) &&
        (section.serials.includes(serial) ||
            section.ranges.some((range) => range.min <= serial && serial <= range.max)));
}
function decodeCertificates(reader) {
    const section = {
        caPublicKeyBlob: reader.string(),
        serials: [],
        ranges: [],
        keyIds: [],
    };
    reader.string();
    while (!reader.done()) {
        const type = reader.byte();
        const sub = new Reader(reader.string());
        switch (type) {
            case CERT_SERIAL_LIST:
                while (!sub.done())
                    section.serials.push(sub.uint64());
                break;
            case CERT_SERIAL_RANGE:
                section.ranges.push({ min: sub.uint64(), max: sub.uint64() });
                break;
            case CERT_KEY_ID:
                while (!sub.done())
                    section.keyIds.push(sub.string().toString('utf8'));
                break;
            default:
                throw new Error(`unsupported KRL certificate subsection 0x${type.toString(16)}`);
        }
        if (!sub.done())
            throw new Error('KRL certificate subsection has trailing data');
    }
    return section;
}
function mergeByCa(groups) {
    const byCa = new Map();
    for (const group of groups) {
        if (group.caPublicKeyBlob.length === 0)
            throw new RangeError('a KRL CA key must not be empty');
        const id = group.caPublicKeyBlob.toString('hex');
        const entry = byCa.get(id) ?? { blob: group.caPublicKeyBlob, serials: new Set() };
        for (const serial of group.serials) {
            checkUint64(serial, 'serial');
            if (serial === 0n)
                throw new RangeError('serial 0 cannot be revoked');
            entry.serials.add(serial);
        }
        byCa.set(id, entry);
    }
    return [...byCa.values()].map(({ blob, serials }) => ({
        caPublicKeyBlob: blob,
        serials: [...serials].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    }));
}
function checkUint64(value, what) {
    if (value < 0n || value > MAX_UINT64)
        throw new RangeError(`${what} must fit in uint64`);
}
function uint32(value) {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(value);
    return buffer;
}
function uint64(value) {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64BE(value);
    return buffer;
}
function sshString(value) {
    return Buffer.concat([uint32(value.length), value]);
}
class Reader {
    #offset = 0;
    #data;
    constructor(data) {
        this.#data = data;
    }
    done() {
        return this.#offset >= this.#data.length;
    }
    take(length) {
        if (this.#offset + length > this.#data.length)
            throw new Error('truncated KRL');
        const slice = this.#data.subarray(this.#offset, this.#offset + length);
        this.#offset += length;
        return slice;
    }
    byte() {
        return this.take(1).readUInt8();
    }
    uint32() {
        return this.take(4).readUInt32BE();
    }
    uint64() {
        return this.take(8).readBigUInt64BE();
    }
    string() {
        return this.take(this.uint32());
    }
}
