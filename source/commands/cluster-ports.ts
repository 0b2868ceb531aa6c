// The controller's adapters in cluster mode, shared by `canary-tui` (dashboard) and
// `canary-tui controller` (headless): routers per provider, metrics, webhooks, events, alerts.
import type {Clock} from '../clock.js';
import type {ControllerOptions} from '../controller/controller.js';
import type {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import type {EventLog} from '../events/event-log.js';
import type {KubeStore} from '../kube/kube-store.js';
import {clusterRouters} from '../routers/cluster-routers.js';
import {WebhookClient} from '../webhooks/webhook-client.js';
import {invalidAddress} from '../metrics/prometheus/prometheus-client.js';
import {PrometheusMetrics} from '../metrics/prometheus/prometheus-metrics.js';
import type {DeliveryFlags} from '../webhooks/delivery-flags.js';
import {deliveryPorts} from '../webhooks/delivery-ports.js';

/** Flags that choose adapters (Flagger's -mesh-provider, -metrics-server, -event-webhook …). */
export type PortFlags = DeliveryFlags & {
	meshProvider?: string;
	/** Flagger's -metrics-server: the Prometheus of builtin metrics and address-less MetricTemplates. */
	metricsServer?: string;
};

/** Flagger's -metrics-server default. */
export const defaultMetricsServer = 'http://prometheus:9090';

/** `--metrics-server URL`, checked once by the CLI: a bad value is one line naming the flag. */
export function metricsServerFlag(flags: Pick<PortFlags, 'metricsServer'>): {ok: true; address: string} | {ok: false; error: string} {
	const address = flags.metricsServer ?? defaultMetricsServer;
	if (invalidAddress(address)) return {ok: false, error: `--metrics-server: expected an http:// or https:// URL of a Prometheus server, got "${address}"`};
	return {ok: true, address};
}

export type ClusterPortsInput = {
	flags: PortFlags;
	clock: Clock;
	store: KubeStore;
	workloads: DeploymentWorkloads;
	events: EventLog;
};

export type ClusterPorts = {
	options: Pick<ControllerOptions, 'router' | 'metrics' | 'webhooks' | 'events' | 'alerts' | 'meshProvider'>;
	/** On shutdown: drop queued event webhooks and alerts, so a dead receiver cannot hold the exit. */
	close(): void;
};

export function clusterPorts({flags, clock, store, workloads, events}: ClusterPortsInput): ClusterPorts {
	const webhooks = new WebhookClient({clock});
	// Events go to the log and Kubernetes Events, then to event webhooks; delivery failures to the log only.
	const delivery = deliveryPorts({flags, clock, client: webhooks, store, events: store.eventSink(events), log: events});
	const metricsServer = metricsServerFlag(flags);
	const options = {
		router: clusterRouters(store, workloads),
		metrics: new PrometheusMetrics({store, clock, address: metricsServer.ok ? metricsServer.address : defaultMetricsServer, meshProvider: flags.meshProvider}),
		webhooks,
		events: delivery.events,
		alerts: delivery.alerts,
		meshProvider: flags.meshProvider,
	};
	return {options, close: delivery.close};
}
