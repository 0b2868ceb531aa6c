// What every recorded event goes through besides the log: the once-per-generation webhook time
// budget warning, then the event webhooks. Shared by cluster mode and the demo.
import type {Clock} from '../clock.js';
import type {Canary} from '../core/spec/types.js';
import type {EventSink} from '../controller/ports.js';
import {WebhookBudgetWarnings} from './budget-warnings.js';
import {EventWebhooks} from './event-webhooks.js';
import type {WebhookClient} from './webhook-client.js';

export type EventPipeline = EventSink & {settled(): Promise<void>; close(): void};

export function eventPipeline(
	next: EventSink,
	options: {clock: Clock; client: Pick<WebhookClient, 'post'>; globalUrl?: string; onError: (canary: Canary, message: string) => void},
): EventPipeline {
	const webhooks = new EventWebhooks(next, {client: options.client, globalUrl: options.globalUrl, onError: options.onError});
	const budget = new WebhookBudgetWarnings(webhooks, options.clock);
	return {record: (canary, event) => budget.record(canary, event), settled: () => webhooks.settled(), close: () => webhooks.close()};
}
