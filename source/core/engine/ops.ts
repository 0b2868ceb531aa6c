// What a tick asks of the outside world. The engine is a generator: it yields one Op at a
// time, in Flagger's order, and the driver (the controller, or the simulator) answers it.
// Ordering is observable (events, webhook calls, status writes), so every port call is an Op.
import type {CanaryMetric, CanaryStatus, CanaryWebhook, Phase} from '../spec/types.js';

export type Result = {ok: true} | {ok: false; error: string};
export type Readiness = {ready: true} | {ready: false; retriable: boolean; error: string};
export type Routes = {primary: number; canary: number; mirrored: boolean};
export type RoutesAnswer = ({ok: true} & Routes) | {ok: false; error: string};
/**
 * noData: Flagger's ErrNoValuesFound (empty result or NaN); otherwise a query error. `event`
 * replaces the whole error event where the failure is not the query's (e.g. a template that
 * cannot be found: `Metric template %s.%s error: %v`). Builtin request durations are in ms.
 */
export type MetricAnswer = {ok: true; value: number} | {ok: false; noData: boolean; error: string; event?: string};

export type EventType = 'Normal' | 'Warning';
export type AlertSeverity = 'info' | 'warn' | 'error';
export type MetricKind = 'request-success-rate' | 'request-duration' | 'query' | 'template';

export type EventOp = {
	op: 'event';
	type: EventType;
	/** Error events are Warning events that Flagger also logs at error level. */
	error: boolean;
	message: string;
	/** Phase of the canary object the event is attached to (sent to event webhooks). */
	phase: Phase;
};

export type Op =
	| EventOp
	| {op: 'log'; message: string}
	| {op: 'alert'; message: string; severity: AlertSeverity; metadata: boolean}
	| {op: 'writeStatus'; status: CanaryStatus}
	| {op: 'webhook'; hook: CanaryWebhook; phase: Phase}
	| {op: 'metric'; metric: CanaryMetric; kind: MetricKind; provider: string; interval: string}
	| {op: 'checkMetricProviders'}
	| {op: 'initializeServices'}
	| {op: 'reconcileMeshRouter'}
	| {op: 'initializePrimary'}
	| {op: 'reconcileApexService'}
	| {op: 'reconcilePrimaryScaler'; init: boolean}
	| {op: 'pauseTargetScaler'}
	| {op: 'resumeTargetScaler'}
	| {op: 'primaryReady'}
	| {op: 'canaryReady'}
	| {op: 'scaleToZero'}
	| {op: 'scaleFromZero'}
	| {op: 'getRoutes'}
	| {op: 'setRoutes'; primary: number; canary: number; mirrored: boolean}
	| {op: 'promote'}
	/** Removes a carried-out manual request from the canary. */
	| {op: 'clearRequest'}
	| {op: 'setSuspend'; suspend: boolean};

export type AnswerOf<O extends Op> = O extends {op: 'webhook' | 'checkMetricProviders' | 'initializeServices' | 'reconcileMeshRouter' | 'initializePrimary' | 'reconcileApexService' | 'reconcilePrimaryScaler' | 'pauseTargetScaler' | 'resumeTargetScaler' | 'scaleToZero' | 'scaleFromZero' | 'setRoutes' | 'promote' | 'writeStatus' | 'clearRequest' | 'setSuspend'}
	? Result
	: O extends {op: 'primaryReady' | 'canaryReady'}
		? Readiness
		: O extends {op: 'getRoutes'}
			? RoutesAnswer
			: O extends {op: 'metric'}
				? MetricAnswer
				: void;

export type Answer = Result | Readiness | RoutesAnswer | MetricAnswer | void;

export type Engine<T> = Generator<Op, T, Answer>;

/** Yields one op and returns its typed answer. */
export function* ask<O extends Op>(op: O): Engine<AnswerOf<O>> {
	return (yield op) as AnswerOf<O>;
}
