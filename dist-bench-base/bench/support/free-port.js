import { createServer } from 'node:net';
/** A loopback port the kernel just handed out; a caller retries if someone takes it first. */
export function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => {
                if (address !== null && typeof address === 'object')
                    resolve(address.port);
                else
                    reject(new Error('no port assigned'));
            });
        });
    });
}
