// Envoy's `upstream_rq_time` histogram buckets and Prometheus' histogram_quantile over them.

/** Upper bounds (ms) of Envoy's default histogram buckets; +Inf follows the last one. */
export const ENVOY_BUCKETS: readonly number[] = [
	0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** Number of bucket counters, the +Inf bucket included. */
export const BUCKET_COUNT = ENVOY_BUCKETS.length + 1;

/** The bucket a duration falls in: the first whose upper bound is >= the value (`le`), else +Inf. */
export function bucketIndex(durationMs: number): number {
	for (let index = 0; index < ENVOY_BUCKETS.length; index++) {
		if (durationMs <= ENVOY_BUCKETS[index]!) return index;
	}
	return ENVOY_BUCKETS.length;
}

/**
 * Prometheus' `histogram_quantile(q, …)` (bucketQuantile in promql/quantile.go) over per-bucket,
 * non-cumulative counts in ENVOY_BUCKETS order plus +Inf. Undefined where Prometheus gives NaN,
 * which Flagger reports as "no values found".
 */
export function histogramQuantile(q: number, counts: ArrayLike<number>): number | undefined {
	if (Number.isNaN(q)) return undefined;
	if (q < 0) return -Infinity;
	if (q > 1) return Infinity;
	const cumulative: number[] = [];
	let running = 0;
	for (let index = 0; index < BUCKET_COUNT; index++) {
		running += counts[index] ?? 0;
		cumulative.push(running);
	}
	const observations = running;
	if (observations === 0) return undefined;
	let rank = q * observations;
	let bucket = cumulative.findIndex((count, index) => index < ENVOY_BUCKETS.length && count >= rank);
	if (bucket === -1) bucket = ENVOY_BUCKETS.length;
	// A rank in +Inf reports the highest finite bound: there is nothing to interpolate towards.
	if (bucket === ENVOY_BUCKETS.length) return ENVOY_BUCKETS[ENVOY_BUCKETS.length - 1]!;
	const bucketEnd = ENVOY_BUCKETS[bucket]!;
	let bucketStart = 0;
	let count = cumulative[bucket]!;
	if (bucket > 0) {
		bucketStart = ENVOY_BUCKETS[bucket - 1]!;
		count -= cumulative[bucket - 1]!;
		rank -= cumulative[bucket - 1]!;
	}
	return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
