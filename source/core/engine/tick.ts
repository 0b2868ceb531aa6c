// One tick of one canary: Flagger's advanceCanary (pkg/controller/scheduler.go), step by
// step as in flagger-semantics.md §3.1. Pure: every read and write is a yielded Op.
import {analysisThreshold, getAnalysis, nextStepWeight, skipAnalysis, totalWeight} from '../spec/defaults.js';
import type {Canary, CanaryStatus, Phase} from '../spec/types.js';
import {runAnalysis} from './analysis.js';
import {alert, fail, log, makeContext, normal, warn, write, type TickContext} from './context.js';
import {runConfirmRolloutHooks, runConfirmTrafficIncreaseHooks, runPostRolloutHooks, runPreRolloutHooks, runRollbackHooks} from './hooks.js';
import {runManualRequest, type ManualRequest} from './manual-actions.js';
import {alerts, messages} from './messages.js';
import {ask, type Engine, type Routes} from './ops.js';
import {failPromotion, rollback} from './rollback.js';
import {emptyStatus, hasTargetChanged, haveDependenciesChanged, setField, setPhase, syncStatus, type Revision} from './status.js';
import {runAB, runBlueGreen, runCanary, runPromotionTrafficShift} from './strategies.js';

export type TickInput = {
	canary: Canary;
	/** The target workload's current template hash and tracked config checksums. */
	revision: Revision;
	/** RFC 3339 time of this tick, stamped on every status write. */
	now: string;
	/** Flagger's `-mesh-provider`, used when spec.provider is empty. */
	meshProvider?: string;
	/** A manual action waiting on the canary; carrying it out is all this tick does. */
	request?: ManualRequest;
};

const inRun: Phase[] = ['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising'];

/** Runs one tick and returns the status the canary ends it with. */
export function* tick(input: TickInput): Engine<CanaryStatus> {
	const ctx = makeContext(input.canary, input.canary.status ?? emptyStatus(), input.revision, input.now, input.meshProvider ?? 'istio');
	if (input.request) yield* runManualRequest(ctx, input.request);
	else yield* advance(ctx);
	return ctx.status;
}

function* advance(ctx: TickContext): Engine<void> {
	const {canary, read} = ctx;
	if (canary.spec.suspend) return yield* normal(ctx, messages.suspended());

	if (!(yield* bootstrap(ctx))) return;
	if (!(yield* shouldAdvance(ctx))) return;

	const skip = skipAnalysis(canary);
	if (!skip) {
		const primary = yield* ask({op: 'primaryReady'});
		if (!primary.ready) {
			yield* warn(ctx, primary.error);
			if (primary.retriable) return;
			if (read.phase === 'Promoting' || read.phase === 'Finalising') return yield* failPromotion(ctx, primary.error);
			return yield* rollback(ctx);
		}
	}

	const routed = yield* ask({op: 'getRoutes'});
	if (!routed.ok) return yield* warn(ctx, routed.error);
	const routes: Routes = {primary: routed.primary, canary: routed.canary, mirrored: routed.mirrored};

	if (!inRun.includes(read.phase)) return yield* startRun(ctx);

	if ((read.phase === 'Progressing' || read.phase === 'WaitingPromotion') && revisionChanged(ctx)) {
		yield* normal(ctx, messages.restart(ctx.names));
		const reset = yield* ask({op: 'setRoutes', primary: totalWeight, canary: 0, mirrored: false});
		if (!reset.ok) return yield* warn(ctx, reset.error);
		const error = yield* write(ctx, syncStatus(canary, ctx.status, {phase: 'Progressing'}, ctx.revision, ctx.now));
		if (error) yield* warn(ctx, error);
		return;
	}

	const target = yield* ask({op: 'canaryReady'});
	if (!target.ready) {
		yield* warn(ctx, target.error);
		if (!target.retriable) yield* rollback(ctx);
		return;
	}

	if (skip) return yield* promoteWithoutAnalysis(ctx);

	if (read.phase === 'Progressing' || read.phase === 'WaitingPromotion') {
		if (yield* runRollbackHooks(ctx, read.phase)) return yield* manualRollback(ctx);
	}

	if (read.phase === 'Promoting') {
		if (canary.spec.autoscalerRef) {
			const scaler = yield* ask({op: 'reconcilePrimaryScaler', init: false});
			if (!scaler.ok) return yield* warn(ctx, scaler.error);
		}
		return yield* runPromotionTrafficShift(ctx, routes);
	}

	if (read.phase === 'Finalising') return yield* finalise(ctx);

	if (read.failedChecks >= ctx.threshold) return yield* rollback(ctx);

	const analysis = getAnalysis(canary);
	if (routes.canary === 0 && read.iterations === 0 && !(analysis.mirror && routes.mirrored)) {
		yield* normal(ctx, messages.starting(ctx.names));
		if (!(yield* runPreRolloutHooks(ctx))) return yield* countFailedCheck(ctx);
	} else if (!(yield* runAnalysis(ctx))) {
		return yield* countFailedCheck(ctx);
	}

	yield* dispatch(ctx, routes);
}

/** Steps 4–13: services, primary, autoscaler, routers; ends the tick once initialized. */
function* bootstrap(ctx: TickContext): Engine<boolean> {
	const {canary, read} = ctx;
	const initializing = read.phase === '' || read.phase === 'Initializing';
	const skip = skipAnalysis(canary);
	const appMesh = ctx.provider.startsWith('appmesh');

	const services = yield* ask({op: 'initializeServices'});
	if (!services.ok) return yield* warnFalse(ctx, services.error);
	if (!skip && initializing) {
		const providers = yield* ask({op: 'checkMetricProviders'});
		if (providers.ok) yield* normal(ctx, messages.providersAvailable());
		else yield* fail(ctx, messages.providersUnavailable(providers.error));
	}
	// App Mesh needs its virtual nodes before the primary's pods exist (sidecar injection).
	if (appMesh) {
		const mesh = yield* ask({op: 'reconcileMeshRouter'});
		if (!mesh.ok) return yield* warnFalse(ctx, mesh.error);
	}
	const primary = yield* ask({op: 'initializePrimary'});
	if (!primary.ok) return yield* warnFalse(ctx, primary.error);
	if (initializing && !skip) {
		const ready = yield* ask({op: 'primaryReady'});
		if (!ready.ready) {
			yield* warn(ctx, ready.error);
			if (!ready.retriable) yield* rollback(ctx);
			return false;
		}
	}
	if (canary.spec.autoscalerRef) {
		const scaler = yield* ask({op: 'reconcilePrimaryScaler', init: true});
		if (!scaler.ok) return yield* warnFalse(ctx, scaler.error);
		if (initializing) {
			const paused = yield* ask({op: 'pauseTargetScaler'});
			if (!paused.ok) return yield* warnFalse(ctx, paused.error);
		}
	}
	const apex = yield* ask({op: 'reconcileApexService'});
	if (!apex.ok) return yield* warnFalse(ctx, apex.error);
	if (initializing) {
		const {kind} = canary.spec.targetRef;
		yield* log(`Scaling down ${kind} ${ctx.names.target}.${ctx.names.namespace}`);
		const scaled = yield* ask({op: 'scaleToZero'});
		if (!scaled.ok) return yield* warnFalse(ctx, messages.scaleDownFailed(kind, ctx.names, scaled.error));
	}
	// Other meshes take over existing routing only once the primary is ready (zero downtime).
	if (!appMesh) {
		const mesh = yield* ask({op: 'reconcileMeshRouter'});
		if (!mesh.ok) return yield* warnFalse(ctx, mesh.error);
	}
	if (!initializing) return true;
	const error = yield* write(ctx, syncStatus(canary, ctx.status, {phase: 'Initialized'}, ctx.revision, ctx.now));
	if (error) {
		yield* log(error);
		return false;
	}
	yield* normal(ctx, messages.initialized(ctx.names));
	yield* alert(alerts.initialized(canary.spec.targetRef.kind), 'info', true);
	return false;
}

function* warnFalse(ctx: TickContext, message: string): Engine<false> {
	yield* warn(ctx, message);
	return false;
}

function revisionChanged(ctx: TickContext): boolean {
	return hasTargetChanged(ctx.read, ctx.revision) || haveDependenciesChanged(ctx.read, ctx.revision);
}

/** A run is under way, or the target or its configs changed since the last run. */
function* shouldAdvance(ctx: TickContext): Engine<boolean> {
	const {read} = ctx;
	if (read.lastAppliedSpec === '' || read.phase === 'Initializing' || read.phase === 'Waiting' || inRun.includes(read.phase)) return true;
	if (read.phase === 'Failed') {
		// Flagger re-syncs a failed canary every tick (quirk Q5), but decides on what it read.
		const error = yield* write(ctx, syncStatus(ctx.canary, ctx.status, {phase: 'Failed'}, ctx.revision, ctx.now));
		if (error) return yield* warnFalse(ctx, error);
	}
	return revisionChanged(ctx);
}

/** checkCanaryStatus: a new revision (or a Waiting canary) passes the confirm-rollout gate. */
function* startRun(ctx: TickContext): Engine<void> {
	const {canary} = ctx;
	// Deliberate fix of quirk Q3: rollback hooks are honoured while Waiting.
	if (ctx.read.phase === 'Waiting' && (yield* runRollbackHooks(ctx, 'Waiting'))) return yield* manualRollback(ctx);
	if (!(yield* runConfirmRolloutHooks(ctx))) return;
	yield* normal(ctx, messages.newRevision(ctx.names));
	yield* alert(alerts.progressing(), 'info', true);
	if (canary.spec.autoscalerRef) {
		const resumed = yield* ask({op: 'resumeTargetScaler'});
		if (!resumed.ok) return yield* warn(ctx, resumed.error);
	}
	const scaled = yield* ask({op: 'scaleFromZero'});
	if (!scaled.ok) return yield* fail(ctx, scaled.error);
	const error = yield* write(ctx, syncStatus(canary, ctx.status, {phase: 'Progressing'}, ctx.revision, ctx.now));
	if (error) yield* log(error);
}

function* manualRollback(ctx: TickContext): Engine<void> {
	yield* warn(ctx, messages.rollingBackManual(ctx.names));
	yield* alert(alerts.manualRollback(), 'warn');
	yield* rollback(ctx);
}

function* countFailedCheck(ctx: TickContext): Engine<void> {
	const error = yield* write(ctx, setField(ctx.status, 'failedChecks', ctx.read.failedChecks + 1, ctx.now));
	if (error) yield* warn(ctx, error);
}

/** skipAnalysis: promote at once, unless the run already failed. */
function* promoteWithoutAnalysis(ctx: TickContext): Engine<void> {
	const {canary} = ctx;
	if (ctx.read.failedChecks >= analysisThreshold(canary)) {
		// Flagger formats a nil error here, hence the literal <nil>.
		yield* warn(ctx, messages.rollingBackDeadline(ctx.names, '<nil>'));
		yield* alert(alerts.progressDeadline('<nil>'), 'error');
		return yield* rollback(ctx);
	}
	const routed = yield* ask({op: 'setRoutes', primary: totalWeight, canary: 0, mirrored: false});
	if (!routed.ok) return yield* warn(ctx, routed.error);
	yield* normal(ctx, messages.copying(ctx.names));
	const promoted = yield* ask({op: 'promote'});
	if (!promoted.ok) return yield* warn(ctx, promoted.error);
	if (canary.spec.autoscalerRef) {
		const scaler = yield* ask({op: 'reconcilePrimaryScaler', init: false});
		if (!scaler.ok) return yield* warn(ctx, scaler.error);
		const paused = yield* ask({op: 'pauseTargetScaler'});
		if (!paused.ok) return yield* warn(ctx, paused.error);
	}
	const scaled = yield* ask({op: 'scaleToZero'});
	if (!scaled.ok) return yield* warn(ctx, scaled.error);
	const error = yield* write(ctx, setPhase(canary, ctx.status, 'Succeeded', ctx.now));
	if (error) return yield* warn(ctx, error);
	yield* runPostRolloutHooks(ctx, 'Succeeded');
	yield* normal(ctx, messages.promotionSkipped(ctx.names));
	yield* alert(alerts.skipped(), 'info');
}

function* finalise(ctx: TickContext): Engine<void> {
	if (ctx.canary.spec.autoscalerRef) {
		const paused = yield* ask({op: 'pauseTargetScaler'});
		if (!paused.ok) return yield* warn(ctx, paused.error);
	}
	const scaled = yield* ask({op: 'scaleToZero'});
	if (!scaled.ok) return yield* warn(ctx, scaled.error);
	const error = yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Succeeded', ctx.now));
	if (error) return yield* warn(ctx, error);
	yield* runPostRolloutHooks(ctx, 'Succeeded');
	yield* normal(ctx, messages.promotionCompleted(ctx.names));
	yield* alert(alerts.succeeded(), 'info');
}

/** Steps 27–28: pick the strategy and advance one step. */
function* dispatch(ctx: TickContext, routes: Routes): Engine<void> {
	let canary = ctx.canary;
	const analysis = getAnalysis(canary);
	if (ctx.provider === 'kubernetes') {
		let patched = {...analysis};
		if ((analysis.match?.length ?? 0) > 0) {
			yield* warn(ctx, messages.abNotSupported());
			patched = {...patched, match: undefined};
		}
		if ((analysis.iterations ?? 0) < 1) {
			yield* warn(ctx, messages.progressiveNotSupported());
			yield* warn(ctx, messages.settingIterations(10));
			patched = {...patched, iterations: 10};
		}
		canary = {...canary, spec: {...canary.spec, analysis: patched}};
		ctx.canary = canary;
	}
	const effective = getAnalysis(canary);
	const iterations = effective.iterations ?? 0;
	if ((effective.match?.length ?? 0) > 0 && iterations > 0) return yield* runAB(ctx);
	if (iterations > 0) return yield* runBlueGreen(ctx, routes.mirrored);
	if (nextStepWeight(canary, routes.canary) > 0) {
		const gated = !routes.mirrored && ctx.read.phase !== 'WaitingPromotion';
		if (gated && !(yield* runConfirmTrafficIncreaseHooks(ctx))) return;
		yield* runCanary(ctx, routes);
	}
}
