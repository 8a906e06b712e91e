import { inspect } from 'node:util';
import { isSecret } from '../config/secret.js';
import { ConnectorError } from './connector.js';
const REDACTED = '[redacted]';
/** An instance lives as long as its target, so the credentials it remembers must be bounded. */
const MAX_REMEMBERED_CREDENTIALS = 1024;
/** Deep enough for driver → socket → system error chains; a cycle must not hang the scrubber. */
const MAX_CAUSE_DEPTH = 8;
/**
 * Wraps a connector instance so that nothing it throws can carry a secret (Vault's error
 * sanitizer middleware). Every method, including kind-specific extras, is guarded: a thrown error
 * becomes a ConnectorError whose message, stack and cause chain have each known secret value
 * replaced by `[redacted]`; anything that is not a ConnectorError becomes a retryable
 * 'unreachable' one. Results pass through untouched.
 *
 * `secrets` is read at failure time, so it sees the target's current configuration. Credentials
 * the instance issues are remembered here and scrubbed too.
 *
 * @example
 * const instance = redactSecrets(definition.create(config, deps), () => [config.password.reveal()])
 */
export function redactSecrets(instance, secrets) {
    const issued = new Set();
    const remember = (result) => {
        const credential = credentialOf(result);
        if (credential === undefined)
            return;
        issued.delete(credential);
        issued.add(credential);
        if (issued.size > MAX_REMEMBERED_CREDENTIALS) {
            for (const oldest of issued) {
                issued.delete(oldest);
                break;
            }
        }
    };
    const scrub = (error) => sanitizeError(error, redactor([...secrets(), ...issued]));
    // Keyed by the method itself, so a method replaced on the instance is wrapped afresh.
    const guarded = new WeakMap();
    return new Proxy(instance, {
        get(target, property) {
            const value = Reflect.get(target, property, target);
            if (typeof value !== 'function')
                return value;
            const method = value;
            const cached = guarded.get(method);
            if (cached)
                return cached;
            const wrapper = (...args) => {
                let result;
                try {
                    result = method.apply(target, args);
                }
                catch (error) {
                    throw scrub(error);
                }
                if (!isThenable(result))
                    return result;
                return Promise.resolve(result).then((settled) => {
                    if (property === 'issue')
                        remember(settled);
                    return settled;
                }, (error) => {
                    throw scrub(error);
                });
            };
            guarded.set(method, wrapper);
            return wrapper;
        },
    });
}
function isThenable(value) {
    return ((typeof value === 'object' || typeof value === 'function') &&
        value !== null &&
        'then' in value &&
        typeof value.then === 'function');
}
function credentialOf(result) {
    if (typeof result !== 'object' || result === null || !('credential' in result))
        return undefined;
    const credential = result.credential;
    return isSecret(credential) ? credential.reveal() : undefined;
}
/**
 * A secret can reach a message verbatim, percent-encoded (URLs, DSNs) or JSON-escaped (echoed
 * request bodies); longest first, so a secret that contains another is replaced whole.
 */
function redactor(values) {
    const forms = new Set();
    for (const value of values) {
        if (value === '')
            continue;
        forms.add(value);
        forms.add(encodeURIComponent(value));
        forms.add(JSON.stringify(value).slice(1, -1));
    }
    const ordered = [...forms].sort((a, b) => b.length - a.length);
    return (text) => ordered.reduce((acc, form) => acc.split(form).join(REDACTED), text);
}
function sanitizeError(error, redact) {
    const result = error instanceof ConnectorError
        ? new ConnectorError(error.reason, redact(error.message), {
            retryable: error.retryable,
            cause: scrubValue(error.cause, redact, 1),
        })
        : new ConnectorError('unreachable', redact(describe(error)), {
            retryable: true,
            cause: scrubValue(error, redact, 1),
        });
    if (error instanceof ConnectorError && error.stack !== undefined)
        result.stack = redact(error.stack);
    return result;
}
function describe(error) {
    if (error instanceof Error)
        return `${error.name}: ${error.message}`;
    if (typeof error === 'string')
        return error;
    return `connector threw a non-error value: ${inspect(error, { depth: 2 })}`;
}
function scrubValue(value, redact, depth) {
    if (value === undefined || value === null)
        return value;
    if (depth > MAX_CAUSE_DEPTH)
        return '[cause chain truncated]';
    if (value instanceof Error)
        return scrubError(value, redact, depth);
    if (typeof value === 'string')
        return redact(value);
    if (typeof value === 'number' || typeof value === 'boolean')
        return value;
    return redact(inspect(value, { depth: 3, breakLength: Infinity }));
}
/**
 * Rebuilds an error rather than editing it: the original may be shared with a driver, and its
 * non-string fields (a pg error's query parameters, say) are dropped because they cannot be
 * scrubbed reliably. Primitive fields such as `code` survive for diagnosis.
 */
function scrubError(error, redact, depth) {
    const cause = scrubValue(error.cause, redact, depth + 1);
    const options = cause === undefined ? undefined : { cause };
    const message = redact(error.message);
    let copy;
    if (error instanceof ConnectorError) {
        copy = new ConnectorError(error.reason, message, { retryable: error.retryable, cause });
    }
    else if (error instanceof AggregateError) {
        const inner = Array.isArray(error.errors) ? error.errors : [];
        copy = new AggregateError(inner.map((e) => scrubValue(e, redact, depth + 1)), message, options);
    }
    else {
        copy = new Error(message, options);
    }
    copy.name = error.name;
    if (error.stack !== undefined)
        copy.stack = redact(error.stack);
    const fields = copy;
    for (const [key, field] of Object.entries(error)) {
        if (key === 'cause' || key === 'errors' || key in copy)
            continue;
        if (typeof field === 'string')
            fields[key] = redact(field);
        else if (typeof field === 'number' || typeof field === 'boolean')
            fields[key] = field;
    }
    return copy;
}
