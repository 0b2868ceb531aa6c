import {describe, expect, it} from 'vitest';
import {MetricsStore, type RequestSample} from '../../../source/local/metrics/metrics-store.js';
import {escapeLabelValue} from '../../../source/local/metrics/prometheus-text.js';

const T = Date.UTC(2020, 10, 14, 12, 3, 39);

type Sample = {name: string; labels: Record<string, string>; value: number};
type Exposition = {help: Map<string, string>; types: Map<string, string>; samples: Sample[]};

// A strict reader of the text format 0.0.4: every line must be a comment or a sample.
function parse(text: string): Exposition {
	expect(text.endsWith('\n')).toBe(true);
	const exposition: Exposition = {help: new Map(), types: new Map(), samples: []};
	for (const line of text.slice(0, -1).split('\n')) {
		const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
		if (comment) {
			const [, keyword, name, rest] = comment;
			if (keyword === 'HELP') exposition.help.set(name!, rest!);
			else {
				expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(rest);
				expect(exposition.samples.some(sample => sample.name.startsWith(name!))).toBe(false); // TYPE comes first
				exposition.types.set(name!, rest!);
			}
			continue;
		}
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		expect(match, `not a sample line: ${line}`).not.toBeNull();
		const [, name, body = '', value] = match!;
		const labels: Record<string, string> = {};
		const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
		while (label.lastIndex < body.length) {
			const found = label.exec(body);
			expect(found, `bad labels: ${body}`).not.toBeNull();
			labels[found![1]!] = found![2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
		}
		exposition.samples.push({name: name!, labels, value: value === '+Inf' ? Infinity : Number(value)});
	}
	return exposition;
}

const sample = (overrides: Partial<RequestSample>): RequestSample => ({
	time: T,
	namespace: 'apps',
	pod: 'podinfo-abc-1',
	workload: 'podinfo',
	code: 200,
	durationMs: 20,
	...overrides,
});

const find = (exposition: Exposition, name: string, labels: Record<string, string>) =>
	exposition.samples.filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('MetricsStore.prometheusText', () => {
	it('renders an empty store as headers only', () => {
		const exposition = parse(new MetricsStore().prometheusText());
		expect(exposition.types).toEqual(new Map([['envoy_cluster_upstream_rq', 'counter'], ['envoy_cluster_upstream_rq_time', 'histogram']]));
		expect(exposition.samples).toEqual([]);
	});

	it('renders counters by code and a cumulative histogram per pod', () => {
		const store = new MetricsStore();
		store.record(sample({}));
		store.record(sample({code: 503, durationMs: 0.2}));
		store.record(sample({durationMs: 700}));
		store.record(sample({durationMs: 5_000_000}));
		store.record(sample({pod: 'podinfo-primary-abc-1', workload: 'podinfo-primary', code: 404}));
		const exposition = parse(store.prometheusText());
		const pod = {kubernetes_namespace: 'apps', kubernetes_pod_name: 'podinfo-abc-1'};
		expect(find(exposition, 'envoy_cluster_upstream_rq', pod).map(s => [s.labels['envoy_response_code'], s.value])).toEqual([['200', 3], ['503', 1]]);
		const buckets = find(exposition, 'envoy_cluster_upstream_rq_time_bucket', pod);
		expect(buckets.map(s => s.labels['le'])).toEqual([
			'0.5', '1', '5', '10', '25', '50', '100', '250', '500', '1000', '2500', '5000', '10000', '30000', '60000',
			'300000', '600000', '1.8e+06', '3.6e+06', '+Inf',
		]);
		expect(buckets.map(s => s.value)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4]);
		expect(find(exposition, 'envoy_cluster_upstream_rq_time_count', pod)[0]!.value).toBe(4);
		expect(find(exposition, 'envoy_cluster_upstream_rq_time_sum', pod)[0]!.value).toBeCloseTo(5_000_720.2, 6);
		expect(find(exposition, 'envoy_cluster_upstream_rq', {kubernetes_pod_name: 'podinfo-primary-abc-1'})[0]!.labels['envoy_response_code']).toBe('404');
	});

	it('escapes label values', () => {
		expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
		const store = new MetricsStore();
		store.record(sample({pod: 'odd\\"pod\nname'}));
		const exposition = parse(store.prometheusText());
		expect(exposition.samples[0]!.labels['kubernetes_pod_name']).toBe('odd\\"pod\nname');
	});

	it('keeps counters cumulative while slices are dropped', () => {
		const store = new MetricsStore({retentionMs: 60_000});
		let previous = new Map<string, number>();
		let recorded = 0;
		for (let second = 0; second < 600; second++) {
			for (let n = 0; n < 3; n++, recorded++) store.record(sample({time: T + second * 1000, code: n === 2 ? 500 : 200, durationMs: n * 40}));
			if (second % 50 !== 49) continue;
			const exposition = parse(store.prometheusText());
			const current = new Map(exposition.samples.map(s => [`${s.name}${JSON.stringify(s.labels)}`, s.value]));
			for (const [key, value] of previous) expect(current.get(key), key).toBeGreaterThanOrEqual(value);
			previous = current;
			expect(find(exposition, 'envoy_cluster_upstream_rq_time_count', {})[0]!.value).toBe(recorded);
		}
		expect(store.stats().slices).toBeLessThanOrEqual(61);
	});

	it('drops pods that have not been seen for the retention', () => {
		const store = new MetricsStore({retentionMs: 60_000});
		store.record(sample({pod: 'podinfo-old-1'}));
		store.record(sample({pod: 'podinfo-new-1', time: T + 120_000}));
		const pods = new Set(parse(store.prometheusText()).samples.map(s => s.labels['kubernetes_pod_name']));
		expect([...pods]).toEqual(['podinfo-new-1']);
	});
});
