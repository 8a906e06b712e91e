/**
 * `tx` with one repository wrapped, the others reached through it as they are. Not a spread: a
 * store may build its repositories on first use, and a spread would build every one of them.
 */
export function wrapRepository(tx, name, wrap) {
    let wrapped;
    return Object.create(tx, {
        [name]: { enumerable: true, get: () => (wrapped ??= wrap(tx[name])) },
    });
}
