/**
 * Flagger's self-metrics (pkg/metrics/recorder.go, semantics §9.2) plus canary-tui's phase gauge,
 * as a plain registry rendered in the Prometheus text format (0.0.4). No IO, no clock: it is fed
 *
 *   - `observe(event)`  every Canary watch event (ADDED/MODIFIED/DELETED): status, phase, totals,
 *                       and the successes/failures counters on phase transitions;
 *   - `metric(...)`     the Controller's `onMetric` callback: flagger_canary_metric_analysis;
 *   - `tick(...)`       the Controller's `onTick` callback: flagger_canary_duration_seconds;
 *   - `routes(...)`     the weights a router reported or set (wrap routers with `observedRouter`);
 *
 * and `render()` is the body of `/metrics`.
 *
 * Metrics (names and labels as Flagger's, so its dashboards and alerts work unchanged):
 *   flagger_info{version,mesh_provider} 1
 *   flagger_canary_total{namespace}                      canaries per namespace (0 once all are gone)
 *   flagger_canary_status{name,namespace}                0 Progressing, 2 Failed, 1 any other phase; name = targetRef.name
 *   flagger_canary_weight{workload,namespace}            <target> and <target>-primary route weights (from
 *                                                        the router; status.canaryWeight until it reports)
 *   flagger_canary_duration_seconds{name,namespace}      histogram of one tick's wall time (default buckets)
 *   flagger_canary_metric_analysis{name,namespace,metric} last value read per metric (request-duration in seconds)
 *   flagger_canary_successes_total{name,namespace,deployment_strategy,analysis_status}
 *   flagger_canary_failures_total{name,namespace,deployment_strategy,analysis_status}
 *   canary_tui_canary_phase{name,namespace,target,phase} 1 for the canary's current phase, 0 for the others
 *
 * Differences from Flagger, on purpose: when a Canary is deleted its status, weight,
 * metric_analysis and phase series are removed (Flagger keeps them forever: fluxcd/flagger#1029,
 * a `flagger_canary_status` of 2 firing alerts for a canary that no longer exists). Counters and
 * the histogram stay: they record releases that happened, and `increase()` over them stays right.
 * Counters count the transitions this process saw: the first sight of a canary (a restart, a
 * relist) sets its gauges but counts nothing.
 */
import type {MetricAnswer, MetricKind} from '../core/engine/ops.js';
import {deploymentStrategy} from '../core/spec/defaults.js';
import type {Canary, CanaryMetric, Phase} from '../core/spec/types.js';
import type {MeshRouter} from '../controller/ports.js';
import type {WatchEvent} from '../kube/objects.js';

/** Prometheus client_golang's DefBuckets, which Flagger's histogram uses. */
export const defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every phase the phase gauge enumerates ('' is shown as Initializing would be: not yet written). */
export const phases: Exclude<Phase, ''>[] = ['Initializing', 'Initialized', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded', 'Failed', 'Terminating', 'Terminated'];

export type FlaggerMetricsOptions = {version: string; meshProvider: string};

type Labels = Record<string, string>;
type Seen = {namespace: string; name: string; target: string; phase?: Phase; statusWeight: number; strategy: string; skipAnalysis: boolean};
type Histogram = {labels: Labels; buckets: number[]; sum: number; count: number};

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class FlaggerMetrics {
	private readonly canaries = new Map<string, Seen>();
	/** Namespaces ever seen: Flagger keeps flagger_canary_total at 0 rather than dropping it. */
	private readonly namespaces = new Set<string>();
	/** By canary key: workload → weight. */
	private readonly weights = new Map<string, {target: string; namespace: string; primary: number; canary: number}>();
	/** By canary key: metric name → last value. */
	private readonly analysis = new Map<string, Map<string, number>>();
	private readonly successes = new Map<string, {labels: Labels; value: number}>();
	private readonly failures = new Map<string, {labels: Labels; value: number}>();
	private readonly durations = new Map<string, Histogram>();

	constructor(private readonly options: FlaggerMetricsOptions) {}

	/** A Canary watch event. */
	observe(event: WatchEvent): void {
		const object = event.object;
		if (object.kind !== 'Canary') return;
		const canary = object as unknown as Canary;
		const namespace = canary.metadata.namespace ?? 'default';
		const key = keyOf(namespace, canary.metadata.name);
		this.namespaces.add(namespace);
		if (event.type === 'DELETED') {
			this.canaries.delete(key);
			this.weights.delete(key);
			this.analysis.delete(key);
			return;
		}
		const previous = this.canaries.get(key);
		const phase = canary.status?.phase;
		const seen: Seen = {
			namespace,
			name: canary.metadata.name,
			target: canary.spec?.targetRef?.name ?? canary.metadata.name,
			phase,
			statusWeight: Number(canary.status?.canaryWeight) || 0,
			strategy: canary.spec?.analysis ? deploymentStrategy(canary) : 'canary',
			skipAnalysis: canary.spec?.skipAnalysis === true,
		};
		this.canaries.set(key, seen);
		if (!previous || previous.phase === phase) return;
		if (phase === 'Succeeded') this.increment(this.successes, seen, seen.skipAnalysis ? 'skipped' : 'completed');
		if (phase === 'Failed') this.increment(this.failures, seen, 'completed');
	}

	/** The Controller's onMetric: a value read (a failed read leaves the last value). */
	metric(canary: Canary, metric: CanaryMetric, kind: MetricKind, answer: MetricAnswer): void {
		if (!answer.ok) return;
		const key = keyOf(canary.metadata.namespace ?? 'default', canary.metadata.name);
		let values = this.analysis.get(key);
		if (!values) this.analysis.set(key, (values = new Map()));
		// Flagger records durations in seconds; the builtin request-duration reads milliseconds.
		values.set(metric.name, kind === 'request-duration' ? answer.value / 1000 : answer.value);
	}

	/** The Controller's onTick: how long one tick of this canary took, in seconds. */
	tick(namespace: string, name: string, seconds: number): void {
		const target = this.canaries.get(keyOf(namespace, name))?.target ?? name;
		const labels = {name: target, namespace};
		const key = JSON.stringify(labels);
		let histogram = this.durations.get(key);
		if (!histogram) this.durations.set(key, (histogram = {labels, buckets: defaultBuckets.map(() => 0), sum: 0, count: 0}));
		defaultBuckets.forEach((bound, index) => {
			if (seconds <= bound) histogram.buckets[index]! += 1;
		});
		histogram.sum += seconds;
		histogram.count += 1;
	}

	/** The route weights of a canary, as its router read or wrote them. */
	routes(canary: Canary, primary: number, canaryWeight: number): void {
		const namespace = canary.metadata.namespace ?? 'default';
		this.weights.set(keyOf(namespace, canary.metadata.name), {target: canary.spec.targetRef.name, namespace, primary, canary: canaryWeight});
	}

	/** The exposition: `text/plain; version=0.0.4`. */
	render(): string {
		const out: string[] = [];
		const family = (name: string, type: string, help: string, samples: Array<[Labels, number]>) => {
			out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
			for (const [labels, value] of samples) out.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
		};
		const canaries = [...this.canaries.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

		family('flagger_info', 'gauge', 'Flagger version and mesh provider information', [[{version: this.options.version, mesh_provider: this.options.meshProvider}, 1]]);
		const totals = new Map([...this.namespaces].sort().map(namespace => [namespace, 0]));
		for (const canary of canaries) totals.set(canary.namespace, totals.get(canary.namespace)! + 1);
		family('flagger_canary_total', 'gauge', 'Total number of canary object', [...totals].map(([namespace, total]) => [{namespace}, total]));
		family(
			'flagger_canary_status',
			'gauge',
			'Last canary analysis result',
			canaries.map(canary => [{name: canary.target, namespace: canary.namespace}, canary.phase === 'Progressing' ? 0 : canary.phase === 'Failed' ? 2 : 1]),
		);
		// What the router reported, else (no release since this process started, or another
		// instance leads) what the status says.
		const weights = canaries.map(canary => {
			const key = keyOf(canary.namespace, canary.name);
			return this.weights.get(key) ?? {target: canary.target, namespace: canary.namespace, primary: 100 - canary.statusWeight, canary: canary.statusWeight};
		});
		family(
			'flagger_canary_weight',
			'gauge',
			'The virtual service destination weight current value',
			weights.flatMap(weight => [
				[{workload: `${weight.target}-primary`, namespace: weight.namespace}, weight.primary],
				[{workload: weight.target, namespace: weight.namespace}, weight.canary],
			]),
		);

		out.push('# HELP flagger_canary_duration_seconds Seconds spent performing canary analysis.', '# TYPE flagger_canary_duration_seconds histogram');
		for (const histogram of [...this.durations.values()].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)))) {
			// Each bucket already counts every observation at or under its bound (cumulative).
			defaultBuckets.forEach((bound, index) => {
				out.push(`flagger_canary_duration_seconds_bucket${formatLabels({...histogram.labels, le: formatValue(bound)})} ${histogram.buckets[index]}`);
			});
			out.push(`flagger_canary_duration_seconds_bucket${formatLabels({...histogram.labels, le: '+Inf'})} ${histogram.count}`);
			out.push(`flagger_canary_duration_seconds_sum${formatLabels(histogram.labels)} ${formatValue(histogram.sum)}`);
			out.push(`flagger_canary_duration_seconds_count${formatLabels(histogram.labels)} ${histogram.count}`);
		}

		const analysis: Array<[Labels, number]> = [];
		for (const canary of canaries) {
			for (const [metric, value] of this.analysis.get(keyOf(canary.namespace, canary.name)) ?? []) analysis.push([{name: canary.target, namespace: canary.namespace, metric}, value]);
		}
		family('flagger_canary_metric_analysis', 'gauge', 'Last canary analysis result per metric', analysis);
		family('flagger_canary_successes_total', 'counter', 'Total number of canary successes', sortedCounters(this.successes));
		family('flagger_canary_failures_total', 'counter', 'Total number of canary failures', sortedCounters(this.failures));
		family(
			'canary_tui_canary_phase',
			'gauge',
			'1 for the phase the canary is in, 0 for the other phases; removed when the canary is deleted',
			canaries.flatMap(canary => phases.map((phase): [Labels, number] => [{name: canary.name, namespace: canary.namespace, target: canary.target, phase}, (canary.phase || 'Initializing') === phase ? 1 : 0])),
		);
		return `${out.join('\n')}\n`;
	}

	private increment(counters: Map<string, {labels: Labels; value: number}>, canary: Seen, analysisStatus: string): void {
		const labels = {name: canary.target, namespace: canary.namespace, deployment_strategy: canary.strategy, analysis_status: analysisStatus};
		const key = JSON.stringify(labels);
		const counter = counters.get(key) ?? {labels, value: 0};
		counter.value += 1;
		counters.set(key, counter);
	}
}

/** A router whose route reads and writes also set flagger_canary_weight. */
export function observedRouter(router: MeshRouter, metrics: FlaggerMetrics): MeshRouter {
	return {
		reconcile: canary => router.reconcile(canary),
		async getRoutes(canary) {
			const answer = await router.getRoutes(canary);
			if (answer.ok) metrics.routes(canary, answer.primary, answer.canary);
			return answer;
		},
		async setRoutes(canary, primary, canaryWeight, mirrored) {
			const result = await router.setRoutes(canary, primary, canaryWeight, mirrored);
			if (result.ok) metrics.routes(canary, primary, canaryWeight);
			return result;
		},
	};
}

function sortedCounters(counters: Map<string, {labels: Labels; value: number}>): Array<[Labels, number]> {
	return [...counters].sort(([a], [b]) => a.localeCompare(b)).map(([, counter]) => [counter.labels, counter.value]);
}

/** `{a="x",b="y"}` with the text format's escapes (backslash, double quote, newline). */
function formatLabels(labels: Labels): string {
	const entries = Object.entries(labels);
	if (entries.length === 0) return '';
	return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	return String(value);
}
