import { isIPv4, isIPv6 } from 'node:net';
/**
 * Whether `value` is an address or `address/prefix` that OpenSSH's `source-address` accepts.
 * OpenSSH refuses a network with host bits set (`10.0.0.1/8`), and so do we, so the catalog
 * fails instead of every login. Zone ids and IPv4-in-IPv6 forms are refused: nobody needs them
 * in a source restriction and they widen what the parser must get right.
 */
export function isSourceAddress(value) {
    if (value.length > 64)
        return false;
    const [address = '', prefix, ...rest] = value.split('/');
    if (rest.length > 0)
        return false;
    const bits = isIPv4(address) ? 32 : isPlainIPv6(address) ? 128 : 0;
    if (bits === 0)
        return false;
    if (prefix === undefined)
        return true;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix))
        return false;
    const length = Number(prefix);
    if (length > bits)
        return false;
    const number = bits === 32 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
    const hostMask = (1n << BigInt(bits - length)) - 1n;
    return (number & hostMask) === 0n;
}
function isPlainIPv6(address) {
    return isIPv6(address) && /^[0-9a-fA-F:]+$/.test(address);
}
function ipv4ToBigInt(address) {
    return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
}
function ipv6ToBigInt(address) {
    const [head = '', tail] = address.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = tail === undefined || tail === '' ? [] : tail.split(':');
    const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
    return [...left, ...zeros, ...right].reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
}
