// Event webhooks (semantics §5.3): every recorded event is POSTed to each of the canary's
// `type: event` hooks, or, when it has none, to the global `--event-webhook` as hook `events`.
// Sent in the background (a slow receiver never holds a tick), in order per canary; failures are
// reported through `onError` (the local log), never fed back as events (that would loop).
import {getAnalysis} from '../core/spec/defaults.js';
import type {Canary, CanaryWebhook} from '../core/spec/types.js';
import type {EventSink, RecordedEvent} from '../controller/ports.js';
import {DeliveryQueue} from './delivery-queue.js';
import {webhookPayload, type WebhookClient} from './webhook-client.js';

export type EventWebhookOptions = {
	client: Pick<WebhookClient, 'post'>;
	/** Flagger's -event-webhook / EVENT_WEBHOOK_URL. */
	globalUrl?: string;
	/** Flagger logs `error sending event to webhook: <error>`; so do we, through here. */
	onError: (canary: Canary, message: string) => void;
};

export function eventHooks(canary: Canary, globalUrl?: string): CanaryWebhook[] {
	const own = (getAnalysis(canary).webhooks ?? []).filter(hook => hook.type === 'event');
	if (own.length > 0) return own;
	return globalUrl ? [{name: 'events', url: globalUrl}] : [];
}

/**
 * `{eventMessage, eventType, timestamp}` plus the hook's own keys, which cannot override them.
 * Keys sorted, as Go's encoding/json writes a map.
 */
export function eventMetadata(hook: CanaryWebhook, event: RecordedEvent): Record<string, string> {
	const merged: Record<string, string> = {...hook.metadata, eventMessage: event.message, eventType: event.type, timestamp: String(Math.trunc(event.time))};
	return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class EventWebhooks implements EventSink {
	private readonly queue: DeliveryQueue<Canary>;

	constructor(
		private readonly next: EventSink,
		private readonly options: EventWebhookOptions,
	) {
		this.queue = new DeliveryQueue({
			onDropped: (canary, count) => options.onError(canary, `error sending event to webhook: ${count} event(s) dropped while the webhook was not answering`),
		});
	}

	record(canary: Canary, event: RecordedEvent): void {
		this.next.record(canary, event);
		const hooks = eventHooks(canary, this.options.globalUrl);
		if (hooks.length === 0) return;
		// Built now, while the status is the one the event was recorded with; the payload's phase
		// is that of the canary object the event is attached to.
		const posts = hooks.map(hook => ({hook, payload: webhookPayload(canary, event.phase, eventMetadata(hook, event))}));
		this.queue.push(event.canary, canary, async () => {
			for (const {hook, payload} of posts) {
				const result = await this.options.client.post(hook, payload);
				if (!result.ok) this.options.onError(canary, `error sending event to webhook: ${result.error}`);
			}
		});
	}

	/** Resolves when every event recorded so far has been sent (or has failed). */
	settled(): Promise<void> {
		return this.queue.settled();
	}

	/** Stops sending: events not yet sent are dropped. */
	close(): void {
		this.queue.close();
	}
}
