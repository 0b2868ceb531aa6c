// One recorded event as a line: text is Flagger's message; json is a Flagger-style JSON log
// line (`| jq .msg` gives Flagger's log) with the canary's status alongside.
import type {EventType} from '../core/engine/ops.js';
import type {Phase} from '../core/spec/types.js';
import {sanitize, terminalSafeJson} from '../text/sanitize.js';

export type EventLine = {
	/** Epoch ms (virtual in the demo and the simulator). */
	time: number;
	type: EventType;
	error: boolean;
	message: string;
	canary: string;
	phase: Phase;
	weight: number;
	failedChecks: number;
	iterations: number;
};

export type OutputFormat = 'text' | 'json';

export function formatEventLine(event: EventLine, format: OutputFormat, extra: Record<string, unknown> = {}): string {
	// Messages carry webhook bodies and names from the cluster: never raw to the terminal.
	if (format === 'text') return sanitize(event.message);
	return terminalSafeJson(JSON.stringify({
		ts: new Date(event.time).toISOString(),
		// Flagger logs Warning events at info level; `type` keeps the Kubernetes event type.
		level: event.error ? 'error' : 'info',
		msg: event.message,
		canary: event.canary,
		phase: event.phase,
		weight: event.weight,
		failedChecks: event.failedChecks,
		iterations: event.iterations,
		type: event.type,
		...extra,
	}));
}
