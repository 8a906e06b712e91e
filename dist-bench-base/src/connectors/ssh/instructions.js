/**
 * How to use the credential, shown next to it once. It names files and commands only: the
 * credential itself (the private key) never appears here.
 */
export function instructionsFor(grantId, principals, expiresAt) {
    const file = `~/.ssh/hourglass-${grantId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const user = principals[0] ?? '<user>';
    return [
        'The credential is JSON with an OpenSSH private key ("privateKey") and its certificate',
        `("certificate"). Save them with owner-only permissions, e.g. with jq: umask 077;`,
        `jq -r .privateKey > ${file}; jq -r .certificate > ${file}-cert.pub; chmod 600 ${file} ${file}-cert.pub.`,
        `Then log in as one of ${principals.join(', ')}:`,
        `ssh -i ${file} -o CertificateFile=${file}-cert.pub -o IdentitiesOnly=yes ${user}@<host>.`,
        `The certificate expires at ${expiresAt.toISOString()} and stops working at once if access`,
        'is revoked. Delete both files when you are done.',
    ].join(' ');
}
