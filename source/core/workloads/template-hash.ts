// Opaque revision hashes of pod templates: FNV-1a 32 over canonical JSON (sorted keys),
// spelled with Kubernetes' SafeEncodeString alphabet like Flagger's and ReplicaSets' hashes.
// They are our own values: Flagger's come from a Go object dump (semantics §11).

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

function fnv1a32(text: string): number {
	let hash = 0x811c9dc5;
	for (const byte of new TextEncoder().encode(text)) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}

export function templateHash(template: unknown): string {
	const digits = String(fnv1a32(canonicalJson(template)));
	return [...digits].map(d => alphabet[d.charCodeAt(0) % alphabet.length]).join('');
}
