// Control characters (C0 except tab and newline, DEL, C1) and bidi overrides have no place in
// text that reviewers read and auditors export (T39: log and display injection).
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Text from another system made safe to show: NFC, unsafe characters blanked, trimmed, capped. */
export function cleanText(text, max) {
    return text.normalize('NFC').replace(UNSAFE_TEXT, ' ').trim().slice(0, max);
}
