// The Canary's Kubernetes Events as Flagger-style lines: which Events count (reason Synced on a
// Canary, written by canary-tui or by Flagger), in what order, and how each prints.
import {formatEventLine, type OutputFormat} from '../../events/event-line.js';
import type {KubeObject} from '../../kube/objects.js';

type EventObject = KubeObject & {
	involvedObject?: {kind?: string; name?: string; namespace?: string};
	reason?: string;
	message?: string;
	type?: string;
	count?: number;
	eventTime?: string | null;
	firstTimestamp?: string | null;
	lastTimestamp?: string | null;
	source?: {component?: string};
	reportingComponent?: string;
};

const ours = (component: string | undefined) => component !== undefined && (component === 'flagger' || component.startsWith('canary-tui'));

export function isCanaryEvent(object: KubeObject, name?: string): boolean {
	const event = object as EventObject;
	return (
		event.involvedObject?.kind === 'Canary' &&
		(name === undefined || event.involvedObject.name === name) &&
		event.reason === 'Synced' &&
		(ours(event.source?.component) || ours(event.reportingComponent))
	);
}

/** When it (last) happened, in epoch ms: eventTime, else lastTimestamp, else firstTimestamp. */
export function eventTime(object: KubeObject): number {
	const event = object as EventObject;
	const text = event.eventTime || event.lastTimestamp || event.firstTimestamp || event.metadata.creationTimestamp;
	return text ? Date.parse(text) : 0;
}

const revision = (object: KubeObject) => Number(object.metadata.resourceVersion ?? 0) || 0;

/**
 * Oldest first. Timestamps have whole seconds, so ties go by resourceVersion (etcd's write
 * order in practice). A repeated Event (the correlator's `count`) sits at its last occurrence.
 */
export function sortEvents(events: KubeObject[]): KubeObject[] {
	return [...events].sort((a, b) => eventTime(a) - eventTime(b) || revision(a) - revision(b));
}

export const countOf = (object: KubeObject) => Number((object as EventObject).count ?? 1) || 1;

export type CanaryState = {phase: string; weight: number; failedChecks: number; iterations: number};

/**
 * One line: text is the message (` (xN)` when the correlator merged N occurrences, the
 * canary's name first when several canaries are shown); json has the fields of every JSON
 * line, with the canary's status when it is known (followed events), null for history.
 */
export function formatCanaryEvent(object: KubeObject, format: OutputFormat, options: {withName: boolean; state?: CanaryState; repeats: number}): string {
	const event = object as EventObject;
	const canary = `${event.involvedObject?.name}.${event.involvedObject?.namespace ?? event.metadata.namespace}`;
	const state = options.state;
	const line = {
		time: eventTime(object),
		type: event.type === 'Warning' ? ('Warning' as const) : ('Normal' as const),
		error: false,
		message: event.message ?? '',
		canary,
		phase: (state?.phase ?? '') as never,
		weight: state?.weight ?? 0,
		failedChecks: state?.failedChecks ?? 0,
		iterations: state?.iterations ?? 0,
	};
	if (format === 'text') return `${options.withName ? `${canary}: ` : ''}${formatEventLine(line, 'text')}${options.repeats > 1 ? ` (x${options.repeats})` : ''}`;
	const unknown = state ? {} : {phase: null, weight: null, failedChecks: null, iterations: null};
	return formatEventLine(line, 'json', {...unknown, count: options.repeats});
}
