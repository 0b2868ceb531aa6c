// The state one tick works on, and the small yields every step uses.
import {analysisThreshold} from '../spec/defaults.js';
import type {Canary, CanaryStatus, Phase} from '../spec/types.js';
import {ask, type AlertSeverity, type Engine} from './ops.js';
import type {Revision} from './status.js';

export type TickContext = {
	canary: Canary;
	/** The status as read at the start of the tick: Flagger decides on this copy. */
	read: CanaryStatus;
	/** The status as last written during this tick. */
	status: CanaryStatus;
	revision: Revision;
	now: string;
	provider: string;
	meshProvider: string;
	names: {name: string; namespace: string; target: string};
	threshold: number;
};

export function makeContext(canary: Canary, status: CanaryStatus, revision: Revision, now: string, meshProvider: string): TickContext {
	const namespace = canary.metadata.namespace ?? 'default';
	return {
		canary,
		read: status,
		status,
		revision,
		now,
		provider: canary.spec.provider || meshProvider,
		meshProvider,
		names: {name: canary.metadata.name, namespace, target: canary.spec.targetRef.name},
		threshold: analysisThreshold(canary),
	};
}

export function* normal(ctx: TickContext, message: string): Engine<void> {
	yield {op: 'event', type: 'Normal', error: false, message, phase: ctx.read.phase};
}

export function* warn(ctx: TickContext, message: string, phase: Phase = ctx.read.phase): Engine<void> {
	yield {op: 'event', type: 'Warning', error: false, message, phase};
}

export function* fail(ctx: TickContext, message: string): Engine<void> {
	yield {op: 'event', type: 'Warning', error: true, message, phase: ctx.read.phase};
}

export function* alert(message: string, severity: AlertSeverity, metadata = false): Engine<void> {
	yield {op: 'alert', message, severity, metadata};
}

export function* log(message: string): Engine<void> {
	yield {op: 'log', message};
}

/** Writes a status; on success it becomes the tick's current status. */
export function* write(ctx: TickContext, status: CanaryStatus): Engine<string | undefined> {
	const result = yield* ask({op: 'writeStatus', status});
	if (!result.ok) return result.error;
	ctx.status = status;
	return undefined;
}
