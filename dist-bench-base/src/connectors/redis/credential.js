/**
 * What the requester receives: the credential is a redis:// URI most clients take as it is; the
 * instructions show how to connect without putting the password on a command line, and when
 * access ends (Redis itself never ends it).
 */
/** IPv6 literals need brackets in a URI. */
function hostForUri(host) {
    return host.includes(':') ? `[${host}]` : host;
}
export function redisUri(config, user, password) {
    const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    return `redis://${auth}@${hostForUri(config.host)}:${config.port}`;
}
export function instructionsFor(config, user, acl, expiresAt) {
    const access = [
        `keys ${acl.keyPatterns.join(' ')}`,
        ...(acl.categories.length > 0 ? [`categories ${acl.categories.join(' ')}`] : []),
        ...(acl.commands.length > 0 ? [`commands ${acl.commands.join(' ')}`] : []),
        ...(acl.channels.length > 0 ? [`channels ${acl.channels.join(' ')}`] : []),
    ].join('; ');
    return [
        `Connect as ACL user ${user}: redis-cli -h ${config.host} -p ${config.port} --user ${user} --askpass`,
        `(paste the password when asked), or use the credential itself as a URI`,
        `redis://${user}:<password>@${hostForUri(config.host)}:${config.port}. Access: ${access}.`,
        `It ends at ${expiresAt.toISOString()}, or earlier on revocation: the user is then deleted and`,
        `its connections are closed.`,
    ].join(' ');
}
