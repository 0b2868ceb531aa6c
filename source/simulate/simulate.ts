// The offline policy simulator: one release of a canary on a virtual clock. t=0 is the tick
// that detects the new revision; ticks follow every analysis interval; workloads are ready;
// metrics come from the trace (healthy without one); webhooks answer as scripted.
import {driveSync} from '../core/engine/drive.js';
import type {MetricAnswer, MetricKind, Op, Answer} from '../core/engine/ops.js';
import type {EventLine} from '../events/event-line.js';
import {tick} from '../core/engine/tick.js';
import {analysisInterval, canaryKey} from '../core/spec/defaults.js';
import type {Canary, CanaryMetric, CanaryStatus, Phase} from '../core/spec/types.js';
import {RouterModel} from '../routers/router-model.js';
import {checkTemplate, templateRefOf} from '../core/metrics/metric-template.js';
import {templateKey, type TemplateSet} from './template-files.js';
import {traceValueAt, type Trace} from './trace.js';
import {ScriptedWebhooks, type WebhookScript} from './webhook-script.js';
import {rfc3339} from '../core/format/rfc3339.js';

export type SimulationRecord = Omit<EventLine, 'time'> & {
	/** Nanoseconds since t=0. */
	time: number;
};

export type SimulationResult = {
	records: SimulationRecord[];
	status: CanaryStatus;
	outcome: 'Succeeded' | 'Failed' | 'timeout';
	ticks: number;
	/** Virtual nanoseconds from t=0 to the last tick. */
	elapsed: number;
};

export type SimulationOptions = {
	trace?: Trace;
	webhooks?: WebhookScript;
	meshProvider?: string;
	/** With `--template`: templateRef metrics resolve against these, with Flagger's errors when they cannot. */
	templates?: TemplateSet;
	/** Virtual time after which the run counts as stuck; Flagger has no such limit. */
	limit?: number;
};

const hour = 3600 * 1_000_000_000;
const previousRevision = 'rev-0';
const newRevision = 'rev-1';

/** Status of a canary that was initialized on the previous revision. */
function initializedStatus(): CanaryStatus {
	return {
		phase: 'Initialized',
		failedChecks: 0,
		canaryWeight: 0,
		iterations: 0,
		lastAppliedSpec: previousRevision,
		lastPromotedSpec: previousRevision,
		lastTransitionTime: rfc3339(0),
	};
}

export function simulate(input: Canary, options: SimulationOptions = {}): SimulationResult {
	const interval = analysisInterval(input);
	const limit = options.limit ?? 24 * hour;
	const provider = input.spec.provider || options.meshProvider || 'istio';
	const router = new RouterModel(provider);
	const webhooks = new ScriptedWebhooks(options.webhooks ?? new Map());
	const records: SimulationRecord[] = [];
	let canary: Canary = {...input, status: initializedStatus()};
	let ticks = 0;
	let time = 0;

	for (; time <= limit; time += interval) {
		let status = canary.status!;
		const answer = (op: Op): Answer => {
			switch (op.op) {
				case 'event':
					records.push({
						time,
						type: op.type,
						error: op.error,
						message: op.message,
						canary: canaryKey(canary),
						phase: op.phase === 'Failed' ? 'Failed' : status.phase,
						weight: status.canaryWeight,
						failedChecks: status.failedChecks,
						iterations: status.iterations,
					});
					return;
				case 'writeStatus':
					status = op.status;
					return {ok: true};
				case 'webhook':
					return webhooks.call(op.hook);
				case 'metric':
					if (op.kind === 'template' && options.templates) {
						const problem = templateProblem(options.templates, canary, op.metric, op.interval);
						if (problem) return problem;
					}
					return metricAnswer(op.metric, op.kind, options.trace, time);
				case 'primaryReady':
				case 'canaryReady':
					return {ready: true};
				case 'getRoutes':
					return {ok: true, ...router.get(canary)};
				case 'setRoutes':
					router.set(op.primary, op.canary, op.mirrored);
					return {ok: true};
				case 'reconcileMeshRouter':
					return router.reconcile(canary);
				case 'log':
				case 'alert':
					return;
				default:
					return {ok: true};
			}
		};
		const now = rfc3339(time / 1_000_000);
		const next = driveSync(tick({canary, revision: {hash: newRevision}, now, meshProvider: options.meshProvider}), answer);
		canary = {...canary, status: next};
		ticks++;
		if (next.phase === 'Succeeded' || next.phase === 'Failed') {
			return {records, status: next, outcome: next.phase, ticks, elapsed: time};
		}
	}
	return {records, status: canary.status!, outcome: 'timeout', ticks, elapsed: time - interval};
}

/** A template that is missing, refused or does not render fails the check as Flagger reports it. */
function templateProblem(templates: TemplateSet, canary: Canary, metric: CanaryMetric, interval: string): MetricAnswer | undefined {
	const ref = templateRefOf(canary, metric);
	const check = checkTemplate(templates.get(templateKey(ref.name, ref.namespace)), ref, canary, metric, interval);
	return check.ok ? undefined : {ok: false, noData: false, error: check.event, event: check.event};
}

function metricAnswer(metric: CanaryMetric, kind: MetricKind, trace: Trace | undefined, time: number): MetricAnswer {
	const value = trace ? traceValueAt(trace, metric.name, time) : undefined;
	if (value === 'no-data') return {ok: false, noData: true, error: 'no values found'};
	return {ok: true, value: value ?? healthyValue(metric, kind)};
}

/** A value that passes the metric's check, for metrics the trace does not cover. */
export function healthyValue(metric: CanaryMetric, kind: MetricKind): number {
	const range = metric.thresholdRange;
	const preferred = kind === 'request-success-rate' ? 100 : 0;
	if (range) return Math.min(Math.max(preferred, range.min ?? -Infinity), range.max ?? Infinity);
	const threshold = metric.threshold ?? 0;
	if (kind === 'request-success-rate') return Math.max(preferred, threshold);
	return Math.min(preferred, threshold);
}
