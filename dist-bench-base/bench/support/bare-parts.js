import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { buildCedarRequest } from '../../src/policy/cedar/entities.js';
import { loadPolicyBundle } from '../../src/policy/cedar/policy-bundle.js';
import { autoApprovedDecisions } from './decision-inputs.js';
import { POLICY_DIR } from './paths.js';
import { isAllow, preparseRaw } from './raw-cedar.js';
import { median, nowMs } from './stats.js';
/** A row about the size of an audit event, so the bare commit writes what ours writes. */
const ROW = JSON.stringify({ note: 'x'.repeat(280) });
/**
 * Runs `op` back to back from `concurrency` loops for `roundMs`, `rounds` times, after an
 * unmeasured warm-up; the median round is the figure. Synchronous operations run without
 * yielding, as they would in the server.
 */
async function rateOf(op, { roundMs, rounds, warmupMs = 300, concurrency = 1 }) {
    const perRound = [];
    for (let r = -1; r < rounds; r++) {
        let n = 0;
        const start = nowMs();
        const end = start + (r < 0 ? warmupMs : roundMs);
        const loop = async () => {
            while (nowMs() < end) {
                const result = op();
                if (result instanceof Promise)
                    await result;
                n++;
            }
        };
        await Promise.all(Array.from({ length: concurrency }, loop));
        if (r >= 0)
            perRound.push((n * 1000) / (nowMs() - start));
        await new Promise((resolve) => setImmediate(resolve));
    }
    const perSecond = median(perRound);
    return { perSecond, meanMs: 1000 / perSecond };
}
/**
 * V8 first runs Cedar's WebAssembly through its baseline compiler and optimises it in the
 * background; on a busy machine that takes seconds, so Cedar gets a longer warm-up.
 */
export const CEDAR_WARMUP_MS = 2_000;
/** One raw Cedar decision, alternating the two an auto-approved request needs. */
export async function cedarDecisionRate(roundMs, rounds) {
    const raw = preparseRaw(await loadPolicyBundle(POLICY_DIR));
    try {
        const { request, activate } = autoApprovedDecisions(new Date());
        const first = buildCedarRequest(request);
        const second = buildCedarRequest(activate);
        if (!isAllow(raw.decide(first)) || !isAllow(raw.decide(second))) {
            throw new Error('bare Cedar denied the benchmark request');
        }
        let flip = false;
        return await rateOf(() => {
            flip = !flip;
            return raw.decide(flip ? first : second);
        }, { roundMs, rounds, warmupMs: CEDAR_WARMUP_MS });
    }
    finally {
        raw.release();
    }
}
/** One EdDSA (Ed25519) JWT with the claims the jwt connector signs. */
export async function jwtSignRate(roundMs, rounds) {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const now = Math.floor(Date.now() / 1000);
    const sign = () => new SignJWT({
        scope: 'orders:read',
        hg_grant: 'grt_0123456789abcdefghjkmnpqrs',
        hg_entitlement: 'orders-read',
    })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
        .setIssuer('http://127.0.0.1:7300/v1/targets/orders-api')
        .setSubject('alice')
        .setAudience('orders-api')
        .setJti('0123456789abcdefghijklmnopqrstuv')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 3600)
        .sign(privateKey);
    return rateOf(sign, { roundMs, rounds });
}
/** A single-row transaction on SQLite with the store's settings (WAL, synchronous=NORMAL, BEGIN IMMEDIATE). */
export async function sqliteCommitRate(dir, roundMs, rounds) {
    const db = new SqliteDatabase(path.join(dir, 'bare-commits.db'));
    try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.exec('create table bare (id integer primary key, body text not null)');
        const insert = db.prepare('insert into bare (body) values (?)');
        const begin = db.prepare('begin immediate');
        const commit = db.prepare('commit');
        return await rateOf(() => {
            begin.run();
            insert.run(ROW);
            commit.run();
        }, { roundMs, rounds });
    }
    finally {
        db.close();
    }
}
/**
 * Single-row transactions on PostgreSQL through a pool as large as the store's: one at a time
 * (the latency floor) and `concurrency` at once (the throughput floor under the same load).
 */
export async function postgresCommitRates(url, concurrency, roundMs, rounds) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    try {
        await pool.query('create table if not exists bare (id bigserial primary key, body text not null)');
        const commitOne = async () => {
            const client = await pool.connect();
            try {
                await client.query('begin');
                await client.query('insert into bare (body) values ($1)', [ROW]);
                await client.query('commit');
            }
            finally {
                client.release();
            }
        };
        const sequential = await rateOf(commitOne, { roundMs, rounds });
        const concurrent = await rateOf(commitOne, { roundMs, rounds, concurrency });
        return { sequential, concurrent };
    }
    finally {
        await pool.end();
    }
}
