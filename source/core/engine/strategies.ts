// The three ways a run advances (semantics §3.5–3.8): weighted canary, A/B testing,
// Blue/Green; and the traffic shift back to primary while Promoting.
import {getAnalysis, maxWeight, nextStepWeight, totalWeight} from '../spec/defaults.js';
import {log, normal, warn, write, type TickContext} from './context.js';
import {runConfirmPromotionHooks} from './hooks.js';
import {messages} from './messages.js';
import {ask, type Engine, type Routes} from './ops.js';
import {setField, setPhase} from './status.js';

function* promote(ctx: TickContext): Engine<void> {
	yield* normal(ctx, messages.copying(ctx.names));
	const promoted = yield* ask({op: 'promote'});
	if (!promoted.ok) return yield* warn(ctx, promoted.error);
	const error = yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Promoting', ctx.now));
	if (error) yield* warn(ctx, error);
}

function* setRoutes(ctx: TickContext, primary: number, canary: number, mirrored: boolean): Engine<boolean> {
	const result = yield* ask({op: 'setRoutes', primary, canary, mirrored});
	if (!result.ok) yield* warn(ctx, result.error);
	return result.ok;
}

/** Writes one status field; a failed write is a Warning event and stops the step. */
function* setStatusField(ctx: TickContext, field: 'canaryWeight' | 'iterations', value: number): Engine<boolean> {
	const error = yield* write(ctx, setField(ctx.status, field, value, ctx.now));
	if (error) yield* warn(ctx, error);
	return !error;
}

export function* runCanary(ctx: TickContext, routes: Routes): Engine<void> {
	const analysis = getAnalysis(ctx.canary);
	let {primary, canary, mirrored} = routes;
	if (canary < maxWeight(ctx.canary)) {
		// Mirror mode spends one step mirroring before the first weight shift.
		if (analysis.mirror && canary === 0) {
			if (!mirrored) {
				mirrored = true;
				primary = totalWeight;
				canary = 0;
			} else {
				mirrored = false;
				primary = totalWeight - nextStepWeight(ctx.canary, canary);
				canary = nextStepWeight(ctx.canary, canary);
			}
			yield* log(`Running mirror step ${primary}/${canary}/${mirrored}`);
		} else {
			const step = nextStepWeight(ctx.canary, canary);
			primary = Math.max(primary - step, 0);
			canary = Math.min(canary + step, totalWeight);
		}
		if (!(yield* setRoutes(ctx, primary, canary, mirrored))) return;
		if (!(yield* setStatusField(ctx, 'canaryWeight', canary))) return;
		return yield* normal(ctx, messages.advanceWeight(ctx.names, canary));
	}
	if (!(yield* runConfirmPromotionHooks(ctx))) return;
	yield* promote(ctx);
}

export function* runAB(ctx: TickContext): Engine<void> {
	const iterations = getAnalysis(ctx.canary).iterations ?? 0;
	if (iterations > ctx.read.iterations) {
		if (!(yield* setRoutes(ctx, 0, totalWeight, false))) return;
		if (!(yield* setStatusField(ctx, 'iterations', ctx.read.iterations + 1))) return;
		return yield* normal(ctx, messages.advanceIteration(ctx.names, ctx.read.iterations + 1, iterations));
	}
	if (!(yield* runConfirmPromotionHooks(ctx))) return;
	if (iterations === ctx.read.iterations) yield* promote(ctx);
}

export function* runBlueGreen(ctx: TickContext, mirrored: boolean): Engine<void> {
	const analysis = getAnalysis(ctx.canary);
	const iterations = analysis.iterations ?? 0;
	const isKubernetes = ctx.provider === 'kubernetes';
	if (iterations > ctx.read.iterations) {
		if (!isKubernetes && analysis.mirror && !mirrored) {
			// Flagger carries on when turning mirroring on fails.
			yield* setRoutes(ctx, totalWeight, 0, true);
			yield* log('Start traffic mirroring');
		}
		if (!(yield* setStatusField(ctx, 'iterations', ctx.read.iterations + 1))) return;
		return yield* normal(ctx, messages.advanceIteration(ctx.names, ctx.read.iterations + 1, iterations));
	}
	if (!(yield* runConfirmPromotionHooks(ctx))) return;
	if (iterations === ctx.read.iterations) {
		if (!isKubernetes) {
			yield* normal(ctx, analysis.mirror ? messages.stopMirroring() : messages.routingToCanary());
			if (!(yield* setRoutes(ctx, 0, totalWeight, false))) return;
		}
		yield* setStatusField(ctx, 'iterations', ctx.read.iterations + 1);
		return;
	}
	if (iterations < ctx.read.iterations) yield* promote(ctx);
}

/** Promoting: return traffic to primary in one go, or stepWeightPromotion at a time. */
export function* runPromotionTrafficShift(ctx: TickContext, routes: Routes): Engine<void> {
	if (ctx.provider === 'kubernetes') {
		const error = yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Finalising', ctx.now));
		if (error) yield* warn(ctx, error);
		return;
	}
	const step = getAnalysis(ctx.canary).stepWeightPromotion ?? 0;
	if (step === 0) {
		yield* normal(ctx, messages.routingToPrimary());
		if (!(yield* setRoutes(ctx, totalWeight, 0, false))) return;
		const error = yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Finalising', ctx.now));
		if (error) yield* warn(ctx, error);
		return;
	}
	if (routes.canary <= 0) return;
	const primary = Math.min(routes.primary + step, totalWeight);
	const canary = Math.max(routes.canary - step, 0);
	if (!(yield* setRoutes(ctx, primary, canary, false))) return;
	yield* normal(ctx, messages.advancePrimaryWeight(ctx.names, primary));
	const next =
		primary === totalWeight
			? setPhase(ctx.canary, ctx.status, 'Finalising', ctx.now)
			: setField(ctx.status, 'canaryWeight', canary, ctx.now);
	const error = yield* write(ctx, next);
	if (error) yield* warn(ctx, error);
}
