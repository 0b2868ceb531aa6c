// Says once per Canary spec generation, right after the first event recorded for it, when its
// webhooks can hold one tick longer than the analysis interval (core/engine/webhook-budget.ts).
// It rides on the event stream because that is where a tick becomes visible: the warning lands
// next to the run it is about, goes wherever events go (log, Kubernetes Events, event webhooks),
// and is not repeated every tick. A restart of canary-tui says it once more.
import type {Clock} from '../clock.js';
import {webhookBudgetWarning} from '../core/engine/webhook-budget.js';
import type {Canary} from '../core/spec/types.js';
import type {EventSink, RecordedEvent} from '../controller/ports.js';
import {warningEvent} from './warning-event.js';

export class WebhookBudgetWarnings implements EventSink {
	/** canary key → the last generation checked. */
	private readonly checked = new Map<string, number>();

	constructor(
		private readonly next: EventSink,
		private readonly clock: Clock,
	) {}

	record(canary: Canary, event: RecordedEvent): void {
		this.next.record(canary, event);
		const generation = canary.metadata.generation ?? 0;
		if (this.checked.get(event.canary) === generation) return;
		this.checked.set(event.canary, generation);
		const warning = webhookBudgetWarning(canary);
		if (!warning) return;
		this.next.record(canary, warningEvent(canary, warning, this.clock.now()));
	}
}
