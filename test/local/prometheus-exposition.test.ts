// The demo's /metrics as Prometheus reads it: a pod's counters exist from its start, at zero, so
// rate() sees its first requests (it cannot see the increment that creates a series), and they
// only grow while the pod runs, however long it stays idle.
import {describe, expect, it} from 'vitest';
import {MetricsStore, type RequestSample} from '../../source/local/metrics/metrics-store.js';

const T = Date.UTC(2020, 10, 14, 12, 3, 39);
const pod = 'podinfo-7d9c5b8f4-x2x4k';

const sample = (overrides: Partial<RequestSample> = {}): RequestSample => ({time: T, namespace: 'apps', pod, workload: 'podinfo', code: 200, durationMs: 3, ...overrides});

/** The value of one sample line, by name and label text, or undefined when the line is absent. */
function value(text: string, series: string): number | undefined {
	const line = text.split('\n').find(l => l.startsWith(`${series} `));
	return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const labels = `kubernetes_namespace="apps",kubernetes_pod_name="${pod}"`;
const requests200 = `envoy_cluster_upstream_rq{${labels},envoy_response_code="200"}`;
const count = `envoy_cluster_upstream_rq_time_count{${labels}}`;
const infBucket = `envoy_cluster_upstream_rq_time_bucket{${labels},le="+Inf"}`;

describe('MetricsStore: pods started by the demo', () => {
	it('exposes a started pod at zero before its first request, then counts from there', () => {
		const store = new MetricsStore();
		expect(value(store.prometheusText(), requests200)).toBeUndefined();
		store.podStarted('apps', pod, 'podinfo');
		const before = store.prometheusText();
		expect(value(before, requests200)).toBe(0);
		expect(value(before, count)).toBe(0);
		expect(value(before, infBucket)).toBe(0);
		store.record(sample());
		const after = store.prometheusText();
		expect(value(after, requests200)).toBe(1);
		expect(value(after, infBucket)).toBe(1);
	});

	it('keeps a running pod and its totals through an idle spell longer than the retention', () => {
		const store = new MetricsStore({retentionMs: 60_000});
		store.podStarted('apps', pod, 'podinfo');
		store.record(sample({code: 500}));
		store.record(sample());
		// Another pod's traffic ten minutes later moves the store's clock past the retention.
		store.record(sample({pod: 'podinfo-7d9c5b8f4-other', time: T + 600_000}));
		const text = store.prometheusText();
		expect(value(text, requests200)).toBe(1);
		expect(value(text, `envoy_cluster_upstream_rq{${labels},envoy_response_code="500"}`)).toBe(1);
		expect(value(text, count)).toBe(2);
		// The in-process window sees only what is recent, like rate() over it.
		expect(store.successRate('apps', 'podinfo', 60_000, T + 600_000)).toBe(100);
	});

	it('drops a stopped pod once its last requests leave the retention', () => {
		const store = new MetricsStore({retentionMs: 60_000});
		store.podStarted('apps', pod, 'podinfo');
		store.record(sample());
		store.podStopped('apps', pod);
		store.record(sample({pod: 'podinfo-7d9c5b8f4-other', time: T + 30_000}));
		expect(value(store.prometheusText(), requests200)).toBe(1);
		store.record(sample({pod: 'podinfo-7d9c5b8f4-other', time: T + 120_000}));
		expect(value(store.prometheusText(), requests200)).toBeUndefined();
	});

	it('changes nothing the analysis reads: a started pod without requests has no success rate', () => {
		const store = new MetricsStore();
		store.podStarted('apps', pod, 'podinfo');
		expect(store.successRate('apps', 'podinfo', 60_000, T)).toBeUndefined();
		expect(store.latencyP99('apps', 'podinfo', 60_000, T)).toBeUndefined();
	});
});
