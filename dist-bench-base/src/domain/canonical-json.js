/**
 * Canonical JSON: object keys sorted, no insignificant whitespace, dates as ISO strings,
 * undefined members dropped. Hashes over it are stable across engines and processes.
 *
 * Most values arrive already in canonical form (stored audit data is canonical text parsed back,
 * and event bodies are built in key order), and for those JSON.stringify alone writes the same
 * bytes. Checking for that is much cheaper than building the sorted copy, which was most of the
 * cost of verifying the audit chain. Anything else goes through `canonicalJsonReference`, the
 * definition; a property test holds the two paths to byte-identical output.
 */
export function canonicalJson(value) {
    if (value !== undefined && isCanonical(value))
        return JSON.stringify(value);
    return canonicalJsonReference(value);
}
/** The definition: normalise into a sorted copy, then JSON.stringify it. */
export function canonicalJsonReference(value) {
    return JSON.stringify(normalize(value));
}
function normalize(value) {
    if (value === null || value === undefined)
        return null;
    if (value instanceof Date)
        return value.toISOString();
    if (Array.isArray(value))
        return value.map((v) => (v === undefined ? null : normalize(v)));
    if (typeof value === 'object') {
        const out = {};
        for (const key of Object.keys(value).sort()) {
            const v = value[key];
            if (v !== undefined)
                out[key] = normalize(v);
        }
        return out;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new TypeError('canonicalJson: non-finite number');
    }
    if (typeof value === 'bigint')
        return value.toString();
    return value;
}
/**
 * True when JSON.stringify(value) already equals the reference: plain objects whose keys are in
 * sorted order (and none is an own `__proto__`, which the sorted copy would turn into its
 * prototype), plain arrays, valid Dates (their toJSON is toISOString), finite numbers, strings,
 * booleans and null; undefined only as a member or element, where both drop it or write null.
 * Class instances, boxed values, bigints, functions and symbols are left to the reference.
 */
function isCanonical(value) {
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return true;
        case 'number':
            return Number.isFinite(value);
        case 'object': {
            if (value === null)
                return true;
            const proto = Object.getPrototypeOf(value);
            if (proto === Array.prototype) {
                const items = value;
                for (let i = 0; i < items.length; i++) {
                    const item = items[i];
                    if (item !== undefined && !isCanonical(item))
                        return false;
                }
                return true;
            }
            if (proto === Date.prototype)
                return Number.isFinite(value.getTime());
            if (proto !== Object.prototype && proto !== null)
                return false;
            const object = value;
            let previous = null;
            for (const key in object) {
                if (!Object.prototype.hasOwnProperty.call(object, key))
                    return false;
                if ((previous !== null && previous >= key) || key === '__proto__')
                    return false;
                previous = key;
                const member = object[key];
                if (member !== undefined && !isCanonical(member))
                    return false;
            }
            return true;
        }
        case 'bigint':
        case 'function':
        case 'symbol':
        case 'undefined':
            return false;
    }
}
