// `demo --prometheus URL`: the metrics server Flagger calls -metrics-server.

const expected = 'expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090';

/** The problem with `text` as a Prometheus address, as one line naming the flag; undefined when fine. */
export function prometheusAddressProblem(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `--prometheus: ${expected}, got ${JSON.stringify(text)}`;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		const hint = text.includes('://') ? '' : ' (no http:// in front)';
		return `--prometheus: ${expected}, got ${JSON.stringify(text)}${hint}`;
	}
	// The provider appends /api/v1/query to the address; a query or fragment would end up in the wrong place.
	if (url.search || url.hash) return `--prometheus: ${expected} without ?query or #fragment, got ${JSON.stringify(text)}`;
	return undefined;
}
