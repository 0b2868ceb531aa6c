/** Kubernetes' metav1.Time text: RFC 3339 in UTC with whole seconds, e.g. 2020-11-14T12:03:39Z. */
export function rfc3339(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
