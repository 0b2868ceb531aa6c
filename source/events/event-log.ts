// Recorded events, newest last, in a bounded ring per canary; listeners see each one as it
// is recorded (the plain-line printer, later the TUI).
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

/** The status a line shows: the canary's, except that `Canary failed!` already reads Failed. */
export function toEventLine(event: RecordedEvent): EventLine {
	return {...event, phase: event.phase === 'Failed' ? 'Failed' : event.statusPhase};
}
