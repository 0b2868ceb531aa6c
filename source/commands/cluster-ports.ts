// The controller's adapters in cluster mode, shared by `canary-tui` (dashboard) and
// `canary-tui controller` (headless): routers per provider, metrics, webhooks, events, alerts.
import type {Clock} from '../clock.js';
import type {Result} from '../core/engine/ops.js';
import {getAnalysis} from '../core/spec/defaults.js';
import type {Canary} from '../core/spec/types.js';
import type {ControllerOptions} from '../controller/controller.js';
import type {DeploymentWorkloads} from '../controller/deployment-workloads.js';
import type {MetricsPort} from '../controller/ports.js';
import type {EventLog} from '../events/event-log.js';
import type {KubeStore} from '../kube/kube-store.js';
import {clusterRouters} from '../routers/cluster-routers.js';
import {WebhookClient} from '../webhooks/webhook-client.js';

/** Flags that choose adapters (Flagger's -mesh-provider, -metrics-server, -event-webhook …). */
export type PortFlags = {
	meshProvider?: string;
};

/** Flagger's builtin and template metrics need Prometheus, which cluster mode does not reach yet. */
const noMetricsProvider: MetricsPort = {
	async check(canary: Canary): Promise<Result> {
		const needsPrometheus = (getAnalysis(canary).metrics ?? []).length > 0;
		return needsPrometheus ? {ok: false, error: 'prometheus not avaiable: no metrics server configured in canary-tui yet'} : {ok: true};
	},
	async query(_canary, metric) {
		return {ok: false, noData: false, error: `no metrics server configured in canary-tui yet for ${metric.name}`};
	},
};

export type ClusterPortsInput = {
	flags: PortFlags;
	clock: Clock;
	store: KubeStore;
	workloads: DeploymentWorkloads;
	events: EventLog;
};

export type ClusterPorts = Pick<ControllerOptions, 'router' | 'metrics' | 'webhooks' | 'events' | 'alerts' | 'meshProvider'>;

export function clusterPorts({flags, clock, store, workloads, events}: ClusterPortsInput): ClusterPorts {
	return {
		router: clusterRouters(store, workloads),
		metrics: noMetricsProvider,
		webhooks: new WebhookClient({clock}),
		events: store.eventSink(events),
		meshProvider: flags.meshProvider,
	};
}
