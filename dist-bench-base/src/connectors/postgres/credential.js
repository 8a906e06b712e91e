import { Secret } from '../../config/secret.js';
/** `postgresql://user:password@host:port/db`, which psql, libpq and most drivers accept as is. */
export function connectionUri(config, user, password) {
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const query = config.sslmode === undefined ? '' : `?sslmode=${config.sslmode}`;
    const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    const db = encodeURIComponent(config.database);
    return new Secret(`postgresql://${auth}@${host}:${config.port}/${db}${query}`);
}
/** Never contains the password: the credential is shown once, instructions may be kept. */
export function instructionsFor(config, user, expiresAt, mode) {
    const ssl = config.sslmode === undefined ? '' : ` sslmode=${config.sslmode}`;
    const conninfo = `host=${config.host} port=${config.port} dbname=${config.database} user=${user}${ssl}`;
    const ending = mode === 'checkout'
        ? 'Revocation (check-in) rotates the password again and disconnects every session of the account.'
        : 'Revocation drops the role and disconnects its open sessions.';
    return [
        `The credential is a PostgreSQL connection URI for role "${user}" on ${config.host}:${config.port}, database "${config.database}".`,
        'Keep it out of shell history: read it into a variable (read -rs PGURI, paste, Enter) and run psql "$PGURI";',
        `or put its password part in PGPASSWORD and run psql "${conninfo}".`,
        `It expires at ${expiresAt.toISOString()} (VALID UNTIL); Hourglass may end it earlier. ${ending}`,
    ].join(' ');
}
