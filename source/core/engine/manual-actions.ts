// Manual actions — promote now, roll back now, pause, resume — as first-class requests
// (a deliberate addition to Flagger, DESIGN.md §3). A request is carried out by the tick
// that reads it, which records an event naming the action and who asked.
import type {Phase} from '../spec/types.js';
import {alert, normal, warn, write, type TickContext} from './context.js';
import {ask, type Engine} from './ops.js';
import {rollback} from './rollback.js';
import {setPhase} from './status.js';

export type ManualAction = 'promote' | 'rollback' | 'pause' | 'resume';
export type ManualRequest = {action: ManualAction; requester: string; time?: string};

export const manualActions: readonly ManualAction[] = ['promote', 'rollback', 'pause', 'resume'];

const inAnalysis: Phase[] = ['Progressing', 'WaitingPromotion'];

/** Why the action does not apply to the canary now, or undefined when it does. */
export function refusalOf(action: ManualAction, state: {phase: Phase; suspended: boolean}): string | undefined {
	const phase = state.phase || 'Initializing';
	switch (action) {
		case 'promote':
			return inAnalysis.includes(phase) ? undefined : phase === 'Promoting' || phase === 'Finalising' ? `promotion already under way (${phase})` : `no analysis in progress (${phase})`;
		case 'rollback':
			if (inAnalysis.includes(phase) || phase === 'Waiting') return undefined;
			return phase === 'Promoting' || phase === 'Finalising' ? `promotion already under way (${phase})` : `no analysis in progress (${phase})`;
		case 'pause':
			return state.suspended ? 'already paused' : undefined;
		case 'resume':
			return state.suspended ? undefined : 'not paused';
	}
}

/** The message of the Event that answers a request (a refusal appends `refused: <why>`). */
export const describeRequest = (action: ManualAction, canary: string, requester: string) =>
	({
		promote: `Manual promotion of ${canary} requested by ${requester}`,
		rollback: `Manual rollback of ${canary} requested by ${requester}`,
		pause: `Pause of ${canary} requested by ${requester}`,
		resume: `Resume of ${canary} requested by ${requester}`,
	})[action];

export function* runManualRequest(ctx: TickContext, request: ManualRequest): Engine<void> {
	const cleared = yield* ask({op: 'clearRequest'});
	if (!cleared.ok) return yield* warn(ctx, cleared.error);
	const x = ctx.names;
	const what = describeRequest(request.action, `${x.name}.${x.namespace}`, request.requester);
	const refusal = refusalOf(request.action, {phase: ctx.read.phase, suspended: ctx.canary.spec.suspend === true});
	if (refusal) return yield* warn(ctx, `${what} refused: ${refusal}`);
	switch (request.action) {
		case 'pause':
		case 'resume': {
			const result = yield* ask({op: 'setSuspend', suspend: request.action === 'pause'});
			if (!result.ok) return yield* warn(ctx, result.error);
			return yield* normal(ctx, what);
		}
		case 'rollback':
			yield* warn(ctx, what);
			yield* alert(what, 'warn');
			return yield* rollback(ctx);
		case 'promote': {
			yield* normal(ctx, what);
			yield* normal(ctx, `Copying ${x.target}.${x.namespace} template spec to ${x.target}-primary.${x.namespace}`);
			const promoted = yield* ask({op: 'promote'});
			if (!promoted.ok) return yield* warn(ctx, promoted.error);
			const error = yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Promoting', ctx.now));
			if (error) yield* warn(ctx, error);
		}
	}
}
