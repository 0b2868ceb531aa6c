/** The tag of an image reference, e.g. ghcr.io/stefanprodan/podinfo:5.0.1 → 5.0.1 (`latest` when untagged). */
export function imageTag(image: string): string {
	const withoutDigest = image.split('@')[0] ?? image;
	const colon = withoutDigest.lastIndexOf(':');
	return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : 'latest';
}
