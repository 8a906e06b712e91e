/** Instants are stored as integer epoch milliseconds on both engines. */
export function toMs(date) {
    return date.getTime();
}
export function toMsOrNull(date) {
    return date === null ? null : date.getTime();
}
export function fromMs(ms) {
    return new Date(ms);
}
export function fromMsOrNull(ms) {
    return ms === null ? null : new Date(ms);
}
export function toJson(value) {
    return JSON.stringify(value);
}
/** Callers assert the shape: the text was written by toJson from a value of that type. */
export function fromJson(text) {
    return JSON.parse(text);
}
/** Compare-and-swap and conditional writes succeed when exactly one row changed. */
export function changedOne(result) {
    const n = 'numUpdatedRows' in result ? result.numUpdatedRows : result.numInsertedOrUpdatedRows;
    return n === 1n;
}
