// Prints simulated events: text is Flagger's messages one a line; json adds the status and
// `t`, seconds since t=0.
import {formatGoDuration} from '../core/format/go-duration.js';
import {formatEventLine, type OutputFormat} from '../events/event-line.js';
import type {SimulationRecord, SimulationResult} from './simulate.js';

export type {OutputFormat};

export function formatRecord(record: SimulationRecord, format: OutputFormat, start: number): string {
	return formatEventLine({...record, time: start + record.time / 1_000_000}, format, {t: record.time / 1_000_000_000});
}

export function summary(result: SimulationResult): string {
	const after = `${result.ticks} ticks, ${formatGoDuration(result.elapsed)} of virtual time`;
	if (result.outcome === 'timeout') return `no terminal phase after ${after}: the canary is ${result.status.phase}`;
	return `${result.outcome} after ${after}`;
}
