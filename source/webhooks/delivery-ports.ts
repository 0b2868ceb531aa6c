// The controller's events and alerts ports with everything that delivers them besides the log:
// the webhook time budget warning, event webhooks and alerts. Shared by cluster mode and the demo.
import {Alerts} from '../alerts/alert-sink.js';
import type {Clock} from '../clock.js';
import type {ControllerOptions} from '../controller/controller.js';
import type {EventSink} from '../controller/ports.js';
import type {ObjectStore} from '../kube/objects.js';
import {deliveryFlags, type DeliveryFlags} from './delivery-flags.js';
import {eventPipeline} from './event-pipeline.js';
import {reportTo} from './warning-event.js';
import type {WebhookClient} from './webhook-client.js';

export type DeliveryPortsInput = {
	flags: DeliveryFlags;
	clock: Clock;
	client: Pick<WebhookClient, 'post'>;
	/** AlertProviders and Secrets are read here. */
	store: Pick<ObjectStore, 'get'>;
	/** Where events go first (the log, Kubernetes Events). */
	events: EventSink;
	/** The local event log: delivery failures are reported here only, never re-sent. */
	log: EventSink;
};

export type DeliveryPorts = Required<Pick<ControllerOptions, 'events' | 'alerts'>> & {
	/** Resolves when everything recorded so far has been delivered or has failed. */
	settled(): Promise<void>;
	/** On shutdown: drop what has not been sent yet. */
	close(): void;
};

export function deliveryPorts({flags, clock, client, store, events, log}: DeliveryPortsInput): DeliveryPorts {
	// The CLI has checked the flags already; an invalid value here just means none.
	const parsed = deliveryFlags(flags);
	const delivery = parsed.ok ? parsed.delivery : {};
	const onError = reportTo(log, () => clock.now());
	const pipeline = eventPipeline(events, {clock, client, globalUrl: delivery.eventWebhook, onError});
	const alerts = new Alerts({clock, store, global: delivery.notifier, clusterName: delivery.clusterName, onError});
	return {
		events: pipeline,
		alerts,
		settled: async () => void (await Promise.all([pipeline.settled(), alerts.settled()])),
		close: () => {
			pipeline.close();
			alerts.close();
		},
	};
}
