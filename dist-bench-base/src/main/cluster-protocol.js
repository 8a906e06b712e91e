/** Ours, not node:cluster's; the sender is our own process, so the tag is all that is checked. */
export function isTagged(message) {
    return typeof message === 'object' && message !== null && typeof message.hg === 'string';
}
