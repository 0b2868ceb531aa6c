// Alert addresses are credentials (a Slack or Teams webhook URL lets anyone post), and so are
// tokens and proxy URLs with a password. Any text about an alert that may reach a log, an event or
// a terminal passes through here: each secret value is replaced wherever it appears — whole, and
// for URLs also the path and query (the part that holds the key) — keeping only scheme and host.
import {sanitize} from '../text/sanitize.js';

export function redactedUrl(value: string): string {
	try {
		const url = new URL(value);
		return `${url.protocol}//${url.host}/<redacted>`;
	} catch {
		return '<redacted>';
	}
}

export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
	let out = text;
	const values = secrets.filter((value): value is string => typeof value === 'string' && value.length >= 4);
	// Longest first, so a URL is replaced whole before any part of it.
	for (const value of [...values].sort((a, b) => b.length - a.length)) {
		out = out.split(value).join(redactedUrl(value));
		try {
			const url = new URL(value);
			const tail = `${url.pathname}${url.search}`;
			if (tail.length > 1) out = out.split(tail).join('/<redacted>');
			if (url.password) out = out.split(url.password).join('<redacted>');
		} catch {
			// Not a URL (a token): replaced whole above.
		}
	}
	return sanitize(out);
}
