import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
function nextReply(child) {
    return new Promise((resolve, reject) => {
        const onExit = (code, signal) => {
            child.off('message', onMessage);
            reject(new Error(`a decision process ended (${signal ?? String(code)})`));
        };
        const onMessage = (message) => {
            child.off('exit', onExit);
            resolve(message);
        };
        child.once('message', onMessage);
        child.once('exit', onExit);
    });
}
export async function startDecisionProcesses(size, data) {
    const script = fileURLToPath(new URL('./decision-process.js', import.meta.url));
    const children = Array.from({ length: size }, () => fork(script, [JSON.stringify(data)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    // All warm up together, and the rounds start only when every child is ready.
    await Promise.all(children.map((c) => nextReply(c)));
    return {
        async round(count, durationMs) {
            const taking = children.slice(0, count);
            const replies = taking.map((c) => nextReply(c));
            for (const c of taking)
                c.send({ type: 'round', durationMs });
            let perSecond = 0;
            for (const reply of await Promise.all(replies)) {
                if (reply.type !== 'done')
                    throw new Error('a decision process answered out of turn');
                perSecond += (reply.decisions / reply.ms) * 1000;
            }
            return perSecond;
        },
        async close() {
            await Promise.all(children.map(async (c) => {
                if (c.exitCode !== null || c.signalCode !== null)
                    return;
                const exited = once(c, 'exit');
                c.send({ type: 'stop' });
                await exited;
            }));
        },
    };
}
