/** What a node reads from its environment (never argv: the URL carries a password). */
export const NODE_ENV = {
    databaseUrl: 'HOURGLASS_BENCH_NODE_DATABASE_URL',
    dataKey: 'HOURGLASS_BENCH_NODE_DATA_KEY',
    auditSigningKeyFile: 'HOURGLASS_BENCH_NODE_AUDIT_KEY_FILE',
};
