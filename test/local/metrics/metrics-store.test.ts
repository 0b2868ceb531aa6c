import {describe, expect, it} from 'vitest';
import {appMeshPodMatcher, codeClass, MetricsStore, type RequestSample} from '../../../source/local/metrics/metrics-store.js';

const T = Date.UTC(2020, 10, 14, 12, 3, 39);
const canaryPod = 'podinfo-5cf44b9799-lgq79';
const primaryPod = 'podinfo-primary-6d8b7c9f5-x2x7k';

const sample = (overrides: Partial<RequestSample>): RequestSample => ({
	time: T,
	namespace: 'apps',
	pod: canaryPod,
	workload: 'podinfo',
	code: 200,
	durationMs: 20,
	...overrides,
});

function recordMany(store: MetricsStore, count: number, overrides: Partial<RequestSample>): void {
	for (let index = 0; index < count; index++) store.record(sample(overrides));
}

describe('appMeshPodMatcher', () => {
	it('matches the target pods only, as the anchored PromQL regex does', () => {
		const podinfo = appMeshPodMatcher('podinfo');
		expect(podinfo(canaryPod)).toBe(true);
		expect(podinfo('podinfo-abc-1')).toBe(true);
		expect(podinfo(primaryPod)).toBe(false);
		expect(podinfo('podinfo-5cf44b9799')).toBe(false);
		expect(podinfo('podinfo-a-b-c')).toBe(false);
		expect(podinfo('xpodinfo-a-b')).toBe(false);
		expect(appMeshPodMatcher('podinfo-primary')(primaryPod)).toBe(true);
	});
});

describe('codeClass', () => {
	it('classes codes, with 5xx as PromQL 5.* sees it', () => {
		expect([100, 200, 204, 301, 404, 499, 500, 503, 599, 0, 700].map(codeClass)).toEqual([
			'1xx', '2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx', '5xx', 'other', 'other',
		]);
	});
});

describe('MetricsStore.successRate', () => {
	it('is non-5xx over all × 100, counting 4xx as success and leaving the primary out', () => {
		const store = new MetricsStore();
		recordMany(store, 97, {});
		recordMany(store, 2, {code: 404});
		recordMany(store, 1, {code: 503});
		recordMany(store, 50, {pod: primaryPod, workload: 'podinfo-primary', code: 500});
		recordMany(store, 50, {namespace: 'other', code: 500});
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBe(99);
		expect(store.successRate('apps', 'podinfo-primary', 60_000, T)).toBe(0);
		expect(store.successRate('other', 'podinfo', 60_000, T)).toBe(0);
	});

	it('sums over all the target pods', () => {
		const store = new MetricsStore();
		recordMany(store, 3, {pod: 'podinfo-a1-b1'});
		recordMany(store, 1, {pod: 'podinfo-a2-b2', code: 500});
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBe(75);
	});

	it('counts the window [now - window, now] to the slice', () => {
		const store = new MetricsStore();
		store.record(sample({time: T - 60_001, code: 500})); // in the slice before the window
		store.record(sample({time: T - 60_000, code: 200})); // on the edge: counted
		store.record(sample({time: T - 1, code: 200}));
		store.record(sample({time: T + 1000, code: 500})); // after now
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBe(100);
		expect(store.requests('apps', 'podinfo', 60_000, T).total).toBe(2);
		expect(store.successRate('apps', 'podinfo', 61_000, T)).toBeCloseTo(200 / 3, 10);
		// a second later the edge sample is out and the later 500 is in
		expect(store.successRate('apps', 'podinfo', 60_000, T + 1000)).toBe(50);
	});

	it('has no value without requests in the window', () => {
		const store = new MetricsStore();
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBeUndefined();
		store.record(sample({time: T - 120_000}));
		store.record(sample({pod: primaryPod, time: T}));
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBeUndefined();
		expect(store.successRate('apps', 'podinfo', 0, T)).toBeUndefined();
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBeUndefined();
	});
});

describe('MetricsStore.latencyP99', () => {
	it('matches histogram_quantile for 100 requests of which one is slow', () => {
		const store = new MetricsStore();
		recordMany(store, 99, {durationMs: 20});
		recordMany(store, 1, {durationMs: 800});
		// rank 99 is the last request of (10, 25]
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBe(25);
		recordMany(store, 1, {durationMs: 800});
		// 101 requests: rank 99.99 falls in (500, 1000] holding 2, 0.99 into it
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBeCloseTo(500 + 500 * (0.99 / 2), 10);
	});

	it('interpolates inside one bucket and ignores the primary', () => {
		const store = new MetricsStore();
		recordMany(store, 100, {durationMs: 3});
		recordMany(store, 100, {pod: primaryPod, durationMs: 4000});
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBeCloseTo(1 + 4 * 0.99, 10);
	});

	it('gives the highest finite bound when the rank falls in +Inf', () => {
		const store = new MetricsStore();
		recordMany(store, 10, {durationMs: 4_000_000});
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBe(3_600_000);
	});
});

describe('MetricsStore.requests', () => {
	it('counts by workload and code class in the window', () => {
		const store = new MetricsStore();
		recordMany(store, 5, {});
		recordMany(store, 2, {pod: 'podinfo-x1-y1', code: 500});
		recordMany(store, 3, {pod: primaryPod, workload: 'podinfo-primary', code: 404});
		store.record(sample({time: T - 120_000}));
		expect(store.requests('apps', 'podinfo', 60_000, T)).toEqual({total: 7, other: 0, '1xx': 0, '2xx': 5, '3xx': 0, '4xx': 0, '5xx': 2});
		expect(store.requests('apps', 'podinfo-primary', 60_000, T)).toMatchObject({total: 3, '4xx': 3});
		expect(store.requests('apps', 'nothing', 60_000, T).total).toBe(0);
	});
});

describe('MetricsStore memory', () => {
	it('stays bounded over a million samples in an hour, pods coming and going', () => {
		const retentionMs = 10 * 60_000;
		const store = new MetricsStore({retentionMs});
		const samples = 1_000_000;
		const hour = 3_600_000;
		let maxSlices = 0;
		let maxSeries = 0;
		for (let index = 0; index < samples; index++) {
			const time = T + Math.floor((index * hour) / samples);
			// a new ReplicaSet every 5 minutes: pod names change like rollouts do
			const generation = Math.floor((time - T) / 300_000);
			const replica = index % 4;
			const primary = replica < 2;
			store.record({
				time,
				namespace: 'apps',
				pod: primary ? `podinfo-primary-gen${generation}-r${replica}` : `podinfo-gen${generation}-r${replica}`,
				workload: primary ? 'podinfo-primary' : 'podinfo',
				code: index % 100 === 3 ? 500 : 200, // 1 in 50 canary requests
				durationMs: index % 7,
			});
			if (index % 10_000 === 0) {
				const stats = store.stats();
				maxSlices = Math.max(maxSlices, stats.slices);
				maxSeries = Math.max(maxSeries, stats.series);
			}
		}
		const stats = store.stats();
		// pods seen in the last 10 minutes: at most three generations of four
		expect(maxSeries).toBeLessThanOrEqual(12);
		expect(stats.series).toBeLessThanOrEqual(12);
		// one slice per second of retention (and the current one) per pod alive then
		expect(maxSlices).toBeLessThanOrEqual(4 * (retentionMs / 1000 + 1) * 2);
		expect(stats.slices).toBeLessThanOrEqual(4 * (retentionMs / 1000 + 1) * 2);
		const now = T + hour - 1;
		expect(store.successRate('apps', 'podinfo', 60_000, now)).toBeCloseTo(98, 1);
	});

	it('counts samples without a usable time in the totals only', () => {
		const store = new MetricsStore();
		store.record(sample({}));
		store.record(sample({time: Number.POSITIVE_INFINITY, code: 500}));
		store.record(sample({time: Number.NaN, code: 500}));
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBe(100);
		expect(store.prometheusText()).toContain('envoy_cluster_upstream_rq_time_count{kubernetes_namespace="apps",kubernetes_pod_name="podinfo-5cf44b9799-lgq79"} 3\n');
	});

	it('keeps a window longer than the retention to what is kept', () => {
		const store = new MetricsStore({retentionMs: 10_000});
		store.record(sample({time: T, code: 500}));
		store.record(sample({time: T + 20_000}));
		expect(store.successRate('apps', 'podinfo', 60_000, T + 20_000)).toBe(100);
		expect(store.stats()).toEqual({series: 1, slices: 1});
	});
});
