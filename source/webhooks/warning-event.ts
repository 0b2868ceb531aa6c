// A Warning our own machinery raises about a canary (not one of Flagger's tick events).
import type {Canary} from '../core/spec/types.js';
import type {EventSink, RecordedEvent} from '../controller/ports.js';
import {recordedEvent} from '../events/event-log.js';

export function warningEvent(canary: Canary, message: string, time: number, error = false): RecordedEvent {
	return recordedEvent(canary, {op: 'event', type: 'Warning', error, message, phase: canary.status?.phase ?? ''}, time);
}

/**
 * Reports a delivery failure (event webhook, alert) in the given sink — meant to be the local
 * event log only, so it is neither a Kubernetes Event nor sent to the event webhooks again — at
 * error level, as Flagger logs it.
 */
export function reportTo(sink: EventSink, now: () => number): (canary: Canary, message: string) => void {
	return (canary, message) => sink.record(canary, warningEvent(canary, message, now(), true));
}
