// Recorded events, newest last, in a bounded ring per canary; listeners see each one as it
// is recorded (the plain-line printer, later the TUI).
import type {EventOp} from '../core/engine/ops.js';
import type {Canary} from '../core/spec/types.js';
import type {EventSink, RecordedEvent} from '../controller/ports.js';
import type {EventLine} from './event-line.js';

/**
 * 200 events per canary is about eight releases of scrollback in the dashboard's log panel and
 * keeps 1,000 full logs near 30 MB of heap; older events are in the JSON lines (`-o json`) and, in
 * cluster mode, in the Kubernetes Events that `canary-tui logs` reads.
 */
export const eventLogCapacity = 200;

export class EventLog implements EventSink {
	private readonly rings = new Map<string, RecordedEvent[]>();
	private readonly listeners = new Set<(event: RecordedEvent) => void>();

	constructor(private readonly capacity = eventLogCapacity) {}

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

/**
 * An event as recorded for a canary, with the canary's status at that moment. Built field by
 * field (not spread from the op) so every event shares one object shape, and with its strings
 * interned: 1,000 full logs of 200 events each repeat the same few messages and keys.
 */
export function recordedEvent(canary: Canary, event: EventOp, time: number): RecordedEvent {
	const status = canary.status;
	const {name} = canary.metadata;
	const namespace = canary.metadata.namespace!;
	return {
		op: 'event',
		type: event.type,
		error: event.error,
		message: intern(event.message),
		phase: event.phase,
		time,
		canary: intern(`${name}.${namespace}`),
		namespace: intern(namespace),
		name: intern(name),
		weight: status?.canaryWeight ?? 0,
		failedChecks: status?.failedChecks ?? 0,
		iterations: status?.iterations ?? 0,
		statusPhase: status?.phase ?? '',
	};
}

const interned = new Map<string, string>();
/** The same string as an earlier equal one; the table starts over past 10,000 entries. */
function intern(text: string): string {
	const known = interned.get(text);
	if (known !== undefined) return known;
	if (interned.size >= 10_000) interned.clear();
	interned.set(text, text);
	return text;
}

/** The status a line shows: the canary's, except that `Canary failed!` already reads Failed. */
export function toEventLine(event: RecordedEvent): EventLine {
	return {...event, phase: event.phase === 'Failed' ? 'Failed' : event.statusPhase};
}
