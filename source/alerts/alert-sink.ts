// The controller's AlertSink (Flagger's alert() in pkg/controller/events.go): a canary without
// `analysis.alerts` goes to the global notifier (every severity); otherwise each alert whose
// severity routes it (severity.ts) goes to its AlertProvider. Sent in the background, in order per
// canary: a slow or broken chat service never holds a tick, and a failure is only reported, with
// every address, proxy and token redacted.
import type {Clock} from '../clock.js';
import type {AlertSeverity} from '../core/engine/ops.js';
import {getAnalysis} from '../core/spec/defaults.js';
import type {Canary} from '../core/spec/types.js';
import type {AlertSink} from '../controller/ports.js';
import type {ObjectStore} from '../kube/objects.js';
import {DeliveryQueue} from '../webhooks/delivery-queue.js';
import {alertFields} from './alert-fields.js';
import {resolveProvider} from './alert-provider.js';
import {notify, type NotifierConfig} from './notifier.js';
import type {Alert} from './payloads.js';
import {routesTo} from './severity.js';

export type AlertsOptions = {
	clock: Clock;
	/** Where AlertProviders and their Secrets are read. */
	store: Pick<ObjectStore, 'get'>;
	/** --slack-url / --msteams-url: for canaries without alerts. */
	global?: NotifierConfig;
	/** --cluster-name: adds the `Cluster` field. */
	clusterName?: string;
	onError: (canary: Canary, message: string) => void;
};

export class Alerts implements AlertSink {
	private readonly queue = new DeliveryQueue<Canary>({
		onDropped: (canary, count) => this.options.onError(canary, `alert can't be sent: ${count} alert(s) dropped while the notifier was not answering`),
	});

	constructor(private readonly options: AlertsOptions) {}

	alert(canary: Canary, message: string, severity: AlertSeverity, withMetadata: boolean): void {
		const {clock, store, global, clusterName, onError} = this.options;
		const namespace = canary.metadata.namespace ?? 'default';
		const alert: Alert = {workload: canary.metadata.name, namespace, message, fields: alertFields(canary, withMetadata, clusterName), severity};
		const key = `${canary.metadata.name}.${namespace}`;
		const subscriptions = getAnalysis(canary).alerts ?? [];
		if (subscriptions.length === 0) {
			if (!global) return;
			this.queue.push(key, canary, async () => {
				const sent = await notify(global, alert, clock);
				if (!sent.ok) onError(canary, `alert can't be sent: ${sent.error}`);
			});
			return;
		}
		const routed = subscriptions.filter(subscription => routesTo(subscription.severity, severity));
		if (routed.length === 0) return;
		this.queue.push(key, canary, async () => {
			for (const subscription of routed) {
				const provider = await resolveProvider(store, subscription, namespace);
				if (!provider.ok) {
					onError(canary, provider.error);
					continue;
				}
				const sent = await notify(provider.config, alert, clock);
				if (!sent.ok) onError(canary, `alert provider ${provider.label} send error: ${sent.error}`);
			}
		});
	}

	/** Resolves when every alert raised so far has been sent (or has failed). */
	settled(): Promise<void> {
		return this.queue.settled();
	}

	/** Stops sending: alerts not yet sent are dropped. */
	close(): void {
		this.queue.close();
	}
}
