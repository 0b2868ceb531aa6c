// Ending a run badly: rollback (semantics §3.9a) and failed promotion (§3.9c).
import {totalWeight} from '../spec/defaults.js';
import {alert, log, warn, write, type TickContext} from './context.js';
import {runPostRolloutHooks} from './hooks.js';
import {alerts, messages} from './messages.js';
import {ask, type Engine} from './ops.js';
import {syncStatus} from './status.js';

export function* rollback(ctx: TickContext): Engine<void> {
	if (ctx.read.failedChecks >= ctx.threshold) {
		yield* warn(ctx, messages.rollingBackThreshold(ctx.names, ctx.read.failedChecks));
		yield* alert(alerts.thresholdReached(ctx.read.failedChecks), 'error');
	}
	const routed = yield* ask({op: 'setRoutes', primary: totalWeight, canary: 0, mirrored: false});
	if (!routed.ok) return yield* warn(ctx, routed.error);
	yield* warn(ctx, messages.canaryFailed(ctx.names), 'Failed');
	if (ctx.canary.spec.autoscalerRef) {
		const paused = yield* ask({op: 'pauseTargetScaler'});
		if (!paused.ok) return yield* warn(ctx, paused.error);
	}
	const scaled = yield* ask({op: 'scaleToZero'});
	if (!scaled.ok) return yield* warn(ctx, scaled.error);
	const error = yield* write(ctx, syncStatus(ctx.canary, ctx.status, {phase: 'Failed', canaryWeight: 0}, ctx.revision, ctx.now));
	if (error) return yield* log(error);
	yield* runPostRolloutHooks(ctx, 'Failed');
}

/** The primary never became ready after promotion: the canary is the only healthy copy. */
export function* failPromotion(ctx: TickContext, reason: string): Engine<void> {
	yield* warn(ctx, messages.promotionFailed(ctx.names, reason));
	yield* alert(alerts.promotionFailed(reason), 'error');
	const routed = yield* ask({op: 'setRoutes', primary: 0, canary: totalWeight, mirrored: false});
	if (!routed.ok) return yield* warn(ctx, routed.error);
	const error = yield* write(
		ctx,
		syncStatus(ctx.canary, ctx.status, {phase: 'Failed', canaryWeight: totalWeight}, ctx.revision, ctx.now),
	);
	if (error) return yield* log(error);
	yield* runPostRolloutHooks(ctx, 'Failed');
}
