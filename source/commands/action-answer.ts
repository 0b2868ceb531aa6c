// How `canary-tui promote|rollback|pause|resume` reads the controller's answer to its request:
// the Event whose message is the one manual-actions.ts records for this action and requester
// — as it is when accepted, followed by `refused: <why>` when not.
import {describeRequest, type ManualAction} from '../core/engine/manual-actions.js';
import type {KubeObject} from '../kube/objects.js';

export type ActionAnswer = {accepted: true; message: string} | {accepted: false; message: string; reason: string};

export function answerOf(message: string, action: ManualAction, canary: string, requester: string): ActionAnswer | undefined {
	const expected = describeRequest(action, canary, requester);
	if (message === expected) return {accepted: true, message};
	const refused = `${expected} refused: `;
	if (message.startsWith(refused)) return {accepted: false, message, reason: message.slice(refused.length)};
	return undefined;
}

/** Event name → count, to tell an answer recorded after the request from an older identical one. */
export type EventCounts = Map<string, number>;

export function eventCounts(events: KubeObject[]): EventCounts {
	return new Map(events.map(event => [event.metadata.name, Number((event as any).count ?? 1)]));
}

/** An Event that happened after `before` was taken: new, or its correlator count went up. */
export function isNewOccurrence(event: KubeObject, before: EventCounts): boolean {
	const seen = before.get(event.metadata.name);
	return seen === undefined || Number((event as any).count ?? 1) > seen;
}

/** A request written on this canary by anyone, to refuse a second one while it is pending. */
export function pendingMessage(pending: {action: string; requester: string; time?: string} | {error: string}, canary: string): string {
	if ('error' in pending) return `a request is already pending on ${canary} but cannot be read (${pending.error})`;
	return `a ${pending.action} request by ${pending.requester}${pending.time ? ` (${pending.time})` : ''} is already pending on ${canary}`;
}
