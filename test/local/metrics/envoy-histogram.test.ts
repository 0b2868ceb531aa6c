import {describe, expect, it} from 'vitest';
import {BUCKET_COUNT, bucketIndex, ENVOY_BUCKETS, histogramQuantile} from '../../../source/local/metrics/envoy-histogram.js';

const countsOf = (entries: Array<[bucketLe: number, count: number]>) => {
	const counts = new Array<number>(BUCKET_COUNT).fill(0);
	for (const [le, count] of entries) counts[le === Infinity ? ENVOY_BUCKETS.length : ENVOY_BUCKETS.indexOf(le)] = count;
	return counts;
};

describe('bucketIndex', () => {
	it('puts a value in the first bucket whose upper bound is >= it, like Prometheus le', () => {
		expect(bucketIndex(0)).toBe(0);
		expect(bucketIndex(0.5)).toBe(0);
		expect(bucketIndex(0.51)).toBe(1);
		expect(bucketIndex(25)).toBe(ENVOY_BUCKETS.indexOf(25));
		expect(bucketIndex(25.01)).toBe(ENVOY_BUCKETS.indexOf(50));
		expect(bucketIndex(3_600_000)).toBe(ENVOY_BUCKETS.length - 1);
		expect(bucketIndex(3_600_001)).toBe(ENVOY_BUCKETS.length);
	});
});

describe('histogramQuantile', () => {
	it('interpolates linearly inside the bucket holding the rank', () => {
		// rank 99 of 100, all in (1, 5]: 1 + 4 * 99/100
		expect(histogramQuantile(0.99, countsOf([[5, 100]]))).toBeCloseTo(4.96, 10);
		// 99 in (10, 25] and 1 in (500, 1000]: rank 99 is the top of (10, 25]
		expect(histogramQuantile(0.99, countsOf([[25, 99], [1000, 1]]))).toBe(25);
		// 98 fast and 2 in (500, 1000]: rank 99 is the first of the 2 there, 500 + 500 * 1/2
		expect(histogramQuantile(0.99, countsOf([[25, 98], [1000, 2]]))).toBe(750);
		// the first bucket starts at 0
		expect(histogramQuantile(0.5, countsOf([[0.5, 10]]))).toBe(0.25);
	});

	it('reports the highest finite bound when the rank falls in +Inf', () => {
		expect(histogramQuantile(0.99, countsOf([[Infinity, 3]]))).toBe(3_600_000);
		expect(histogramQuantile(0.99, countsOf([[100, 50], [Infinity, 50]]))).toBe(3_600_000);
	});

	it('has no value without observations, and follows Prometheus for q outside [0, 1]', () => {
		expect(histogramQuantile(0.99, countsOf([]))).toBeUndefined();
		expect(histogramQuantile(Number.NaN, countsOf([[5, 1]]))).toBeUndefined();
		expect(histogramQuantile(-1, countsOf([[5, 1]]))).toBe(-Infinity);
		expect(histogramQuantile(2, countsOf([[5, 1]]))).toBe(Infinity);
	});
});
