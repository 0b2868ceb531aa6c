// What Envoy sidecars count and Prometheus keeps, for the embedded mesh: request samples summed
// into time slices per pod, and queries that compute Flagger's builtin App Mesh PromQL.
import {BUCKET_COUNT, bucketIndex, ENVOY_BUCKETS, histogramQuantile} from './envoy-histogram.js';
import type {RequestRecord} from '../http/types.js';
import {familyHeader, formatSampleValue, sampleLine, type Labels} from './prometheus-text.js';

/** One proxied request, as the pods' listeners record it. */
export type RequestSample = RequestRecord;

export type CodeClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'other';

export type RequestCounts = {total: number} & Record<CodeClass, number>;

export type MetricsStoreOptions = {
	/** How long slices are kept, in virtual ms (default 10 minutes); longer windows see only what is kept. */
	retentionMs?: number;
	/** Width of a slice in virtual ms (default 1 s): window edges are exact to a slice. */
	sliceMs?: number;
};

const classes: readonly CodeClass[] = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'];
const serverError = classes.indexOf('5xx');

// counts[0..5]: requests by code class (in `classes` order); counts[6..]: by latency bucket.
type Slice = {index: number; counts: Float64Array};

type Series = {
	namespace: string;
	pod: string;
	workload: string;
	/** Ascending by index. */
	slices: Slice[];
	// Cumulative since the pod was first seen, for the exposition; never decremented.
	codes: Map<number, number>;
	/** Between podStarted and podStopped: kept (counters and all) even when idle. */
	running: boolean;
	buckets: Float64Array;
	sum: number;
	count: number;
};

/**
 * Flagger's App Mesh pod selector `kubernetes_pod_name=~"<target>-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`.
 * PromQL anchors regex matchers, so `<target>-primary-<hash>-<id>` does not match `<target>`.
 */
export function appMeshPodMatcher(target: string): (pod: string) => boolean {
	let pattern: RegExp;
	try {
		// Unescaped like Flagger's template: a "." in the target matches any character there too.
		pattern = new RegExp(`^(?:${target}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+))$`);
	} catch {
		return () => false;
	}
	return pod => pattern.test(pod);
}

/** The class of a response code; "5xx" is what PromQL's `envoy_response_code=~"5.*"` matches. */
export function codeClass(code: number): CodeClass {
	const text = String(code);
	if (text.startsWith('5')) return '5xx';
	const hundreds = Math.floor(code / 100);
	return hundreds >= 1 && hundreds <= 4 && Number.isInteger(code) ? (`${hundreds}xx` as CodeClass) : 'other';
}

export class MetricsStore {
	readonly retentionMs: number;
	readonly sliceMs: number;
	private readonly keptSlices: number;
	private readonly namespaces = new Map<string, Map<string, Series>>();
	private newest = -Infinity;

	constructor(opts: MetricsStoreOptions = {}) {
		this.retentionMs = opts.retentionMs ?? 10 * 60_000;
		this.sliceMs = opts.sliceMs ?? 1000;
		if (!(this.sliceMs > 0) || !(this.retentionMs > 0)) throw new RangeError('retentionMs and sliceMs must be positive');
		this.keptSlices = Math.ceil(this.retentionMs / this.sliceMs);
	}

	/**
	 * A pod's sidecar is up: its counters exist from now on, at zero, and are kept while it runs.
	 * Prometheus' rate() cannot see the increment that creates a series, so without this the
	 * first requests a new canary pod serves (the acceptance test) would be invisible to it.
	 */
	podStarted(namespace: string, pod: string, workload: string): void {
		const series = this.seriesFor(namespace, pod);
		series.workload = workload;
		series.running = true;
		if (!series.codes.has(200)) series.codes.set(200, 0);
	}

	/** The pod is gone: its counters stay until its last slice leaves the retention. */
	podStopped(namespace: string, pod: string): void {
		const series = this.namespaces.get(namespace)?.get(pod);
		if (series) series.running = false;
	}

	record(sample: RequestSample): void {
		const index = Math.floor(sample.time / this.sliceMs);
		const dated = Number.isFinite(index);
		if (dated && index > this.newest) {
			this.newest = index;
			this.prune();
		}
		const series = this.seriesFor(sample.namespace, sample.pod);
		series.workload = sample.workload;
		const duration = sample.durationMs > 0 ? sample.durationMs : 0;
		const bucket = bucketIndex(duration);
		series.codes.set(sample.code, (series.codes.get(sample.code) ?? 0) + 1);
		series.buckets[bucket]! += 1;
		series.sum += duration;
		series.count += 1;
		// A sample older than the retention still counts in the totals, like a late scrape would.
		if (!dated || index < this.newest - this.keptSlices) return;
		const slice = this.sliceAt(series, index);
		slice.counts[classes.indexOf(codeClass(sample.code))]! += 1;
		slice.counts[classes.length + bucket]! += 1;
	}

	/**
	 * Non-5xx / all × 100 over the target's pods, in the window [now - windowMs, now] (slices are
	 * counted by their start). Undefined when there was no request: Flagger's "no values found".
	 */
	successRate(namespace: string, target: string, windowMs: number, now: number): number | undefined {
		const matches = appMeshPodMatcher(target);
		const totals = this.sumWindow(namespace, series => matches(series.pod), windowMs, now);
		const total = sumRange(totals, 0, classes.length);
		if (total === 0) return undefined;
		return ((total - totals[serverError]!) / total) * 100;
	}

	/** `histogram_quantile(0.99, …)` of the target's request durations in ms, over the same window. */
	latencyP99(namespace: string, target: string, windowMs: number, now: number): number | undefined {
		const matches = appMeshPodMatcher(target);
		const totals = this.sumWindow(namespace, series => matches(series.pod), windowMs, now);
		return histogramQuantile(0.99, totals.subarray(classes.length));
	}

	/** Requests served by a workload's pods in the window, by code class. */
	requests(namespace: string, workload: string, windowMs: number, now: number): RequestCounts {
		const totals = this.sumWindow(namespace, series => series.workload === workload, windowMs, now);
		const counts = {total: sumRange(totals, 0, classes.length)} as RequestCounts;
		classes.forEach((name, index) => (counts[name] = totals[index]!));
		return counts;
	}

	/** What is held in memory, for tests and the benchmark. */
	stats(): {series: number; slices: number} {
		let series = 0;
		let slices = 0;
		for (const pods of this.namespaces.values()) {
			for (const entry of pods.values()) {
				series += 1;
				slices += entry.slices.length;
			}
		}
		return {series, slices};
	}

	/** Cumulative counters of the running pods and those seen within the retention, as Envoy's /stats/prometheus would. */
	prometheusText(): string {
		const all = [...this.namespaces.values()].flatMap(pods => [...pods.values()]);
		all.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.pod, b.pod));
		let text = familyHeader('envoy_cluster_upstream_rq', 'counter', 'Total upstream requests by response code.');
		for (const series of all) {
			for (const code of [...series.codes.keys()].sort((a, b) => a - b)) {
				text += sampleLine('envoy_cluster_upstream_rq', [...podLabels(series), ['envoy_response_code', String(code)]], series.codes.get(code)!);
			}
		}
		text += familyHeader('envoy_cluster_upstream_rq_time', 'histogram', 'Upstream request time in milliseconds.');
		for (const series of all) {
			const labels = podLabels(series);
			let cumulative = 0;
			for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
				cumulative += series.buckets[bucket]!;
				const le = bucket < ENVOY_BUCKETS.length ? ENVOY_BUCKETS[bucket]! : Infinity;
				text += sampleLine('envoy_cluster_upstream_rq_time_bucket', [...labels, ['le', formatSampleValue(le)]], cumulative);
			}
			text += sampleLine('envoy_cluster_upstream_rq_time_sum', labels, series.sum);
			text += sampleLine('envoy_cluster_upstream_rq_time_count', labels, series.count);
		}
		return text;
	}

	private seriesFor(namespace: string, pod: string): Series {
		let pods = this.namespaces.get(namespace);
		if (!pods) this.namespaces.set(namespace, (pods = new Map()));
		let series = pods.get(pod);
		if (!series) {
			series = {namespace, pod, workload: '', slices: [], codes: new Map(), running: false, buckets: new Float64Array(BUCKET_COUNT), sum: 0, count: 0};
			pods.set(pod, series);
		}
		return series;
	}

	private sliceAt(series: Series, index: number): Slice {
		// Samples arrive nearly in time order, so the slice is almost always the last one.
		let position = series.slices.length - 1;
		while (position >= 0 && series.slices[position]!.index > index) position--;
		const found = series.slices[position];
		if (found?.index === index) return found;
		const slice = {index, counts: new Float64Array(classes.length + BUCKET_COUNT)};
		series.slices.splice(position + 1, 0, slice);
		return slice;
	}

	// Drops slices older than the retention; a pod with none left has gone away.
	private prune(): void {
		const oldest = this.newest - this.keptSlices;
		for (const [namespace, pods] of this.namespaces) {
			for (const [pod, series] of pods) {
				let stale = 0;
				while (stale < series.slices.length && series.slices[stale]!.index < oldest) stale++;
				if (stale) series.slices.splice(0, stale);
				if (!series.slices.length && !series.running) pods.delete(pod);
			}
			if (!pods.size) this.namespaces.delete(namespace);
		}
	}

	private sumWindow(namespace: string, include: (series: Series) => boolean, windowMs: number, now: number): Float64Array {
		const totals = new Float64Array(classes.length + BUCKET_COUNT);
		if (!(windowMs > 0)) return totals;
		const from = now - windowMs;
		for (const series of this.namespaces.get(namespace)?.values() ?? []) {
			if (!include(series)) continue;
			for (let position = series.slices.length - 1; position >= 0; position--) {
				const slice = series.slices[position]!;
				const start = slice.index * this.sliceMs;
				if (start > now) continue;
				if (start < from) break;
				for (let k = 0; k < totals.length; k++) totals[k]! += slice.counts[k]!;
			}
		}
		return totals;
	}
}

function podLabels(series: Series): Labels {
	return [['kubernetes_namespace', series.namespace], ['kubernetes_pod_name', series.pod]];
}

function sumRange(values: Float64Array, from: number, to: number): number {
	let sum = 0;
	for (let index = from; index < to; index++) sum += values[index]!;
	return sum;
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
