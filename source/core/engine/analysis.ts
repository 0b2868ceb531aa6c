// One analysis run (runAnalysis, semantics §6): rollout hooks, then builtin and inline-query
// metrics in spec order, then template metrics. The first failure ends the run.
import {millisecondsToDuration} from '../format/go-duration.js';
import {metricsProviderFor} from '../metrics/metrics-provider.js';
import {builtinMetricInterval, getAnalysis, metricInterval} from '../spec/defaults.js';
import type {CanaryMetric} from '../spec/types.js';
import {fail, warn, type TickContext} from './context.js';
import {runRolloutHooks} from './hooks.js';
import {messages} from './messages.js';
import {ask, type Engine, type MetricAnswer, type MetricKind} from './ops.js';

const builtinNames = new Set(['request-success-rate', 'request-duration']);

export function* runAnalysis(ctx: TickContext): Engine<boolean> {
	if (!(yield* runRolloutHooks(ctx))) return false;
	if (!(yield* runBuiltinMetricChecks(ctx))) return false;
	return yield* runTemplateMetricChecks(ctx);
}

/** The provider name Flagger's builtin observers are picked by (and print in events). */
export function metricsProviderOf(ctx: TickContext): string {
	return metricsProviderFor(ctx.canary, ctx.meshProvider);
}

function* query(ctx: TickContext, metric: CanaryMetric, kind: MetricKind, interval: string): Engine<MetricAnswer> {
	const answer = yield* ask({op: 'metric', metric, kind, provider: metricsProviderOf(ctx), interval});
	// Prometheus reports NaN as "no values found"; never let a NaN compare its way to a pass.
	if (answer.ok && Number.isNaN(answer.value)) return {ok: false, noData: true, error: 'no values found'};
	return answer;
}

/** Go's time.Duration(float64 ms) * time.Millisecond, in nanoseconds. */
const boundDuration = (ms: number) => Math.trunc(ms) * 1_000_000;

function* runBuiltinMetricChecks(ctx: TickContext): Engine<boolean> {
	const x = ctx.names;
	const provider = metricsProviderOf(ctx);
	for (const metric of getAnalysis(ctx.canary).metrics ?? []) {
		const interval = builtinMetricInterval(metric);
		const range = metric.thresholdRange ?? undefined;
		const threshold = metric.threshold ?? 0;

		if (metric.name === 'request-success-rate') {
			const answer = yield* query(ctx, metric, 'request-success-rate', interval);
			if (!answer.ok) {
				if (answer.noData) yield* warn(ctx, messages.noValuesSuccessRate(provider, metric.name, x, `running query failed: ${answer.error}`));
				else yield* fail(ctx, answer.event ?? messages.prometheusFailed(`running query failed: ${answer.error}`));
				return false;
			}
			const value = answer.value;
			if (range) {
				if (range.min !== undefined && value < range.min) {
					yield* warn(ctx, messages.successRateBelow(x, value, range.min));
					return false;
				}
				if (range.max !== undefined && value > range.max) {
					yield* warn(ctx, messages.successRateAbove(x, value, range.max));
					return false;
				}
			} else if (threshold > value) {
				yield* warn(ctx, messages.successRateBelow(x, value, threshold));
				return false;
			}
		}

		if (metric.name === 'request-duration') {
			const answer = yield* query(ctx, metric, 'request-duration', interval);
			if (!answer.ok) {
				if (answer.noData) yield* warn(ctx, messages.noValuesDuration(provider, metric.name, x));
				else yield* fail(ctx, answer.event ?? messages.prometheusFailed(`running query failed: ${answer.error}`));
				return false;
			}
			// Flagger converts +Inf (a p99 beyond the top histogram bucket) to a duration that
			// passes any max bound; an unmeasurably slow canary must halt instead.
			if (!Number.isFinite(answer.value)) {
				yield* warn(ctx, messages.durationNotFinite(x, answer.value, range ? (range.max === undefined ? undefined : boundDuration(range.max)) : threshold > 0 ? boundDuration(threshold) : undefined));
				return false;
			}
			const value = millisecondsToDuration(answer.value);
			if (range) {
				if (range.min !== undefined && value < boundDuration(range.min)) {
					yield* warn(ctx, messages.durationBelow(x, value, boundDuration(range.min)));
					return false;
				}
				if (range.max !== undefined && value > boundDuration(range.max)) {
					yield* warn(ctx, messages.durationAbove(x, value, boundDuration(range.max)));
					return false;
				}
			} else if (threshold > 0 && value > boundDuration(threshold)) {
				yield* warn(ctx, messages.durationAbove(x, value, boundDuration(threshold)));
				return false;
			}
		}

		if (metric.query) {
			const answer = yield* query(ctx, metric, 'query', interval);
			if (!answer.ok) {
				if (answer.noData) yield* warn(ctx, messages.noValuesQuery(metric.name));
				else yield* fail(ctx, answer.event ?? messages.queryFailed(metric.name, answer.error));
				return false;
			}
			if (!(yield* checkRange(ctx, metric, answer.value))) return false;
		}
	}
	return true;
}

function* runTemplateMetricChecks(ctx: TickContext): Engine<boolean> {
	for (const metric of getAnalysis(ctx.canary).metrics ?? []) {
		if (metric.templateRef) {
			const answer = yield* query(ctx, metric, 'template', metricInterval(metric));
			if (!answer.ok) {
				if (answer.noData) yield* warn(ctx, messages.noValuesCustom(metric.name, answer.error));
				else yield* fail(ctx, answer.event ?? messages.metricQueryFailed(metric.name, answer.error));
				return false;
			}
			if (!(yield* checkRange(ctx, metric, answer.value))) return false;
		} else if (!builtinNames.has(metric.name) && !metric.query) {
			yield* fail(ctx, messages.noUsableMetric());
			return false;
		}
	}
	return true;
}

/** Inline-query and template thresholds; the legacy `threshold` is a maximum (0 by default). */
function* checkRange(ctx: TickContext, metric: CanaryMetric, value: number): Engine<boolean> {
	const range = metric.thresholdRange ?? undefined;
	if (range) {
		if (range.min !== undefined && value < range.min) {
			yield* warn(ctx, messages.metricBelow(ctx.names, metric.name, value, range.min));
			return false;
		}
		if (range.max !== undefined && value > range.max) {
			yield* warn(ctx, messages.metricAbove(ctx.names, metric.name, value, range.max));
			return false;
		}
		return true;
	}
	const threshold = metric.threshold ?? 0;
	if (value > threshold) {
		yield* warn(ctx, messages.metricAbove(ctx.names, metric.name, value, threshold));
		return false;
	}
	return true;
}
