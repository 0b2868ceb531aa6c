// Recorded events, newest last, in a bounded ring per canary; listeners see each one as it
// is recorded (the plain-line printer, later the TUI).
import type {EventOp} from '../core/engine/ops.js';
import type {Canary} from '../core/spec/types.js';
import type {EventSink, RecordedEvent} from '../controller/ports.js';
import type {EventLine} from './event-line.js';

export class EventLog implements EventSink {
	private readonly rings = new Map<string, RecordedEvent[]>();
	private readonly listeners = new Set<(event: RecordedEvent) => void>();

	constructor(private readonly capacity = 500) {}

	record(_canary: Canary, event: RecordedEvent): void {
		const ring = this.rings.get(event.canary) ?? [];
		ring.push(event);
		if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
		this.rings.set(event.canary, ring);
		for (const listener of this.listeners) listener(event);
	}

	events(canary: string): readonly RecordedEvent[] {
		return this.rings.get(canary) ?? [];
	}

	subscribe(listener: (event: RecordedEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}

/** An event as recorded for a canary, with the canary's status at that moment. */
export function recordedEvent(canary: Canary, event: EventOp, time: number): RecordedEvent {
	const status = canary.status;
	return {
		...event,
		time,
		canary: `${canary.metadata.name}.${canary.metadata.namespace}`,
		namespace: canary.metadata.namespace!,
		name: canary.metadata.name,
		weight: status?.canaryWeight ?? 0,
		failedChecks: status?.failedChecks ?? 0,
		iterations: status?.iterations ?? 0,
		statusPhase: status?.phase ?? '',
	};
}

/** The status a line shows: the canary's, except that `Canary failed!` already reads Failed. */
export function toEventLine(event: RecordedEvent): EventLine {
	return {...event, phase: event.phase === 'Failed' ? 'Failed' : event.statusPhase};
}
