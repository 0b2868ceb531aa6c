// The embedded mesh's metrics provider: Flagger's builtin App Mesh queries computed from the
// requests the pods' sidecars recorded, over the metric's window in virtual time.
import type {Clock} from '../clock.js';
import type {MetricAnswer, MetricKind, Result} from '../core/engine/ops.js';
import {parseGoDuration} from '../core/format/go-duration.js';
import type {Canary, CanaryMetric} from '../core/spec/types.js';
import type {MetricsPort} from '../controller/ports.js';
import type {MetricsStore} from '../local/metrics/metrics-store.js';

const noValues: MetricAnswer = {ok: false, noData: true, error: 'no values found'};

export class LocalMetrics implements MetricsPort {
	constructor(private readonly store: MetricsStore, private readonly clock: Clock) {}

	async check(): Promise<Result> {
		return {ok: true};
	}

	async query(canary: Canary, metric: CanaryMetric, kind: MetricKind, interval: string): Promise<MetricAnswer> {
		if (kind === 'query' || kind === 'template') {
			return {ok: false, noData: false, error: `metric ${metric.name} needs a Prometheus server: the embedded mesh answers only request-success-rate and request-duration`};
		}
		const window = parseGoDuration(interval);
		if (window === undefined || window <= 0) return {ok: false, noData: false, error: `bad_data: invalid parameter "query": 1:1: parse error: bad duration "${interval}"`};
		const namespace = canary.metadata.namespace!;
		const target = canary.spec.targetRef.name;
		const windowMs = window / 1_000_000;
		const now = this.clock.now();
		const value = kind === 'request-success-rate' ? this.store.successRate(namespace, target, windowMs, now) : this.store.latencyP99(namespace, target, windowMs, now);
		return value === undefined || Number.isNaN(value) ? noValues : {ok: true, value};
	}
}
