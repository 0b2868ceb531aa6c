// Manual actions travel as an annotation on the Canary, so any instance (TUI, CLI, another
// operator's terminal) can ask and the one controller that drives the canary carries it out.
import {manualActions, type ManualAction, type ManualRequest} from '../core/engine/manual-actions.js';
import type {Canary} from '../core/spec/types.js';

export const requestAnnotation = 'canary-tui.io/request';

export function encodeRequest(action: ManualAction, requester: string, time: string): string {
	return JSON.stringify({action, requester, time});
}

/** The pending request, a reason it cannot be read, or undefined when there is none. */
export function pendingRequest(canary: Canary): ManualRequest | {error: string} | undefined {
	const raw = canary.metadata.annotations?.[requestAnnotation];
	if (raw === undefined) return undefined;
	try {
		const value = JSON.parse(raw) as Partial<ManualRequest>;
		if (!manualActions.includes(value.action as ManualAction)) {
			return {error: `annotation ${requestAnnotation}: expected action ${manualActions.join(', ')}, got ${JSON.stringify(value.action)}`};
		}
		return {action: value.action as ManualAction, requester: typeof value.requester === 'string' && value.requester ? value.requester : 'unknown', time: value.time};
	} catch {
		return {error: `annotation ${requestAnnotation}: expected JSON like {"action":"promote","requester":"me@host"}`};
	}
}
