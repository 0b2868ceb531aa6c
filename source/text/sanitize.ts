// Untrusted text (event messages, names from the cluster, webhook bodies) must never reach
// a terminal raw: remove escape sequences and control characters, keep printable text.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-character escapes, and C1 controls.
const escapes = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|[\u0080-\u009f]/g;
const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Strips escapes and controls; tabs and newlines become spaces unless `keepNewlines`. */
export function sanitize(text: string, keepNewlines = false): string {
	const stripped = text.replace(escapes, '').replace(controls, '');
	return keepNewlines ? stripped.replace(/\t/g, ' ') : stripped.replace(/[\t\n]/g, ' ');
}

/**
 * JSON text safe for a terminal: JSON.stringify escapes C0 controls (ESC included) but leaves
 * DEL and the C1 controls (U+0080–U+009F, e.g. U+009B, a one-character CSI) raw; escape them too.
 */
export function terminalSafeJson(json: string): string {
	return json.replace(/[\u007f-\u009f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
