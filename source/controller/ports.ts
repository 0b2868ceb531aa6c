// What the controller needs from the outside, besides the ObjectStore and the Clock.
// Each adapter (embedded mesh, Prometheus, real webhooks, Kubernetes) implements one.
import type {AlertSeverity, EventOp, MetricAnswer, MetricKind, Result, RoutesAnswer} from '../core/engine/ops.js';
import type {Canary, CanaryMetric, CanaryWebhook, Phase} from '../core/spec/types.js';

export type MeshRouter = {
	reconcile(canary: Canary): Promise<Result>;
	getRoutes(canary: Canary): Promise<RoutesAnswer>;
	setRoutes(canary: Canary, primary: number, canaryWeight: number, mirrored: boolean): Promise<Result>;
};

export type MetricsPort = {
	/** Flagger's provider check at initialization (Prometheus: `vector(1)`). */
	check(canary: Canary): Promise<Result>;
	query(canary: Canary, metric: CanaryMetric, kind: MetricKind, interval: string): Promise<MetricAnswer>;
};

export type WebhookPort = {
	call(canary: Canary, hook: CanaryWebhook, phase: Phase): Promise<Result>;
};

export type RecordedEvent = EventOp & {
	/** Virtual epoch ms. */
	time: number;
	canary: string;
	namespace: string;
	name: string;
	weight: number;
	failedChecks: number;
	iterations: number;
	statusPhase: Phase;
};

export type EventSink = {
	record(canary: Canary, event: RecordedEvent): void;
};

export type AlertSink = {
	alert(canary: Canary, message: string, severity: AlertSeverity, withMetadata: boolean): void;
};
