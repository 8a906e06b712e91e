import { AppError } from '../../domain/errors.js';
const EQ = /^\s*([A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?)\s+eq\s+("(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)\s*$/i;
const MAX_FILTER_LENGTH = 1024;
function invalidFilter(message) {
    return new AppError('scim.invalid_filter', message, { details: { scimType: 'invalidFilter' } });
}
/**
 * Parses a single equality filter. Anything richer (`co`, `sw`, `and`, `or`, `not`) is refused
 * with `invalidFilter` rather than half-understood: a wrong match here would act on the wrong person.
 */
export function parseEqualityFilter(filter) {
    if (filter.length > MAX_FILTER_LENGTH)
        throw invalidFilter('The filter is too long');
    const match = EQ.exec(filter);
    if (match?.[1] === undefined || match[2] === undefined) {
        throw invalidFilter('Only filters of the form `attribute eq "value"` are supported');
    }
    let value;
    try {
        // `True`/`FALSE`/`Null` are literals too (case-insensitive); strings keep their case.
        value = JSON.parse(match[2].startsWith('"') ? match[2] : match[2].toLowerCase());
    }
    catch {
        throw invalidFilter('The filter value is not a valid string, number or boolean');
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) {
        throw invalidFilter('The filter value is not a valid string, number or boolean');
    }
    return { attribute: match[1], value };
}
/** Checks the filter names one of `allowed` and has a string value; returns that attribute's canonical name. */
export function stringFilterOn(filter, allowed) {
    const attribute = allowed.find((a) => a.toLowerCase() === filter.attribute.toLowerCase());
    if (attribute === undefined) {
        throw invalidFilter(`Filtering is supported on ${allowed.join(', ')} only`);
    }
    if (typeof filter.value !== 'string')
        throw invalidFilter(`${attribute} is compared with a string`);
    return { attribute, value: filter.value };
}
