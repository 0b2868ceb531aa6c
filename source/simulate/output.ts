// Prints simulated events: text is Flagger's messages one a line; json is Flagger-style
// JSON lines (`| jq .msg` gives Flagger's log) with the canary's status alongside.
import {formatGoDuration} from '../core/format/go-duration.js';
import type {SimulationRecord, SimulationResult} from './simulate.js';

export type OutputFormat = 'text' | 'json';

export function formatRecord(record: SimulationRecord, format: OutputFormat, start: number): string {
	if (format === 'text') return record.message;
	return JSON.stringify({
		ts: new Date(start + record.time / 1_000_000).toISOString(),
		level: record.error ? 'error' : 'info',
		msg: record.message,
		canary: record.canary,
		phase: record.phase,
		weight: record.weight,
		failedChecks: record.failedChecks,
		iterations: record.iterations,
		type: record.type,
		t: record.time / 1_000_000_000,
	});
}

export function summary(result: SimulationResult): string {
	const after = `${result.ticks} ticks, ${formatGoDuration(result.elapsed)} of virtual time`;
	if (result.outcome === 'timeout') return `no terminal phase after ${after}: the canary is ${result.status.phase}`;
	return `${result.outcome} after ${after}`;
}
