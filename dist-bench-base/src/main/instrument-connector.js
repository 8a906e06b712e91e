import { performance } from 'node:perf_hooks';
import { ConnectorError, } from '../connectors/connector.js';
/** The connector calls that reach a target; the rest (privilegesFor, close) are local. */
export const OBSERVED_OPERATIONS = ['issue', 'revoke', 'inspect', 'list', 'removeAccess', 'verifyConfig'];
/**
 * Wraps an instance so every target call reports its outcome and duration, whichever use case
 * made it (issue, revoke, verification, reconciliation). Kind-specific extras (jwks, caPublicKey)
 * pass through untouched, so the host's callers see the instance they always did.
 */
export function instrumentConnector(instance, kind, observe) {
    // Keyed by the method itself, so a method replaced on the instance is wrapped afresh.
    const wrapped = new WeakMap();
    return new Proxy(instance, {
        get(target, property) {
            const value = Reflect.get(target, property, target);
            if (typeof value !== 'function')
                return value;
            const method = value;
            const cached = wrapped.get(method);
            if (cached)
                return cached;
            if (property === 'revokeMany' || property === 'revokeManyInStore') {
                const batched = revokeManyObserved(method.bind(target), kind, observe);
                wrapped.set(method, batched);
                return batched;
            }
            if (!isObserved(property))
                return method.bind(target);
            const timed = async (...args) => {
                const started = performance.now();
                const report = (outcome) => {
                    observe({ kind, op: property, outcome, seconds: (performance.now() - started) / 1000 });
                };
                try {
                    const result = await method.apply(target, args);
                    report('ok');
                    return result;
                }
                catch (error) {
                    report(outcomeOf(error, signalOf(args)));
                    throw error;
                }
            };
            wrapped.set(method, timed);
            return timed;
        },
    });
}
/** A batch revoke counts as one `revoke` per handle, each with the batch's outcome for it. */
function revokeManyObserved(revokeMany, kind, observe) {
    return async (...args) => {
        const started = performance.now();
        const signal = signalOf(args);
        const report = (outcome) => {
            observe({ kind, op: 'revoke', outcome, seconds: (performance.now() - started) / 1000 });
        };
        try {
            const outcomes = (await revokeMany(...args));
            for (const o of outcomes)
                report(o.ok ? 'ok' : outcomeOf(o.error, signal));
            return outcomes;
        }
        catch (error) {
            const handles = args[0];
            for (let i = 0; i < (Array.isArray(handles) ? handles.length : 1); i++) {
                report(outcomeOf(error, signal));
            }
            throw error;
        }
    };
}
function isObserved(property) {
    return OBSERVED_OPERATIONS.includes(property);
}
/** Every observed operation takes its options last. */
function signalOf(args) {
    const last = args[args.length - 1];
    return last?.signal instanceof AbortSignal ? last.signal : undefined;
}
function outcomeOf(error, signal) {
    if (signal?.aborted === true)
        return 'timeout';
    return error instanceof ConnectorError ? error.reason : 'error';
}
