// Webhook gates (scheduler_hooks.go, semantics §3.12). Hooks of one type run in list
// order; the first failure stops the list.
import {getAnalysis} from '../spec/defaults.js';
import type {CanaryWebhook, HookType, Phase} from '../spec/types.js';
import {alert, normal, warn, write, type TickContext} from './context.js';
import {alerts, messages} from './messages.js';
import {ask, type Engine} from './ops.js';
import {setField, setPhase} from './status.js';

function hooksOf(ctx: TickContext, ...types: HookType[]): CanaryWebhook[] {
	return (getAnalysis(ctx.canary).webhooks ?? []).filter(hook => types.includes(hook.type ?? ''));
}

function* call(hook: CanaryWebhook, phase: Phase) {
	return yield* ask({op: 'webhook', hook, phase});
}

export function* runConfirmRolloutHooks(ctx: TickContext): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'confirm-rollout')) {
		const result = yield* call(hook, ctx.status.phase);
		if (result.ok) {
			yield* normal(ctx, messages.confirmRolloutPassed(hook.name));
			continue;
		}
		if (ctx.status.phase !== 'Waiting') {
			yield* write(ctx, setPhase(ctx.canary, ctx.status, 'Waiting', ctx.now));
			yield* warn(ctx, messages.waitingApproval(ctx.names, hook.name));
			if (!hook.muteAlert) yield* alert(alerts.waitingApproval(), 'warn');
		}
		return false;
	}
	return true;
}

export function* runPreRolloutHooks(ctx: TickContext): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'pre-rollout')) {
		const result = yield* call(hook, 'Progressing');
		if (!result.ok) {
			yield* warn(ctx, messages.preRolloutFailed(ctx.names, hook.name, result.error));
			return false;
		}
		yield* normal(ctx, messages.preRolloutPassed(hook.name));
	}
	return true;
}

/** Rollout hooks: silent on success. */
export function* runRolloutHooks(ctx: TickContext): Engine<boolean> {
	for (const hook of hooksOf(ctx, '', 'rollout')) {
		const result = yield* call(hook, 'Progressing');
		if (!result.ok) {
			yield* warn(ctx, messages.externalCheckFailed(ctx.names, hook.name, result.error));
			return false;
		}
	}
	return true;
}

export function* runConfirmTrafficIncreaseHooks(ctx: TickContext): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'confirm-traffic-increase')) {
		const result = yield* call(hook, 'Progressing');
		if (!result.ok) {
			yield* warn(ctx, messages.waitingTrafficIncrease(ctx.names, hook.name));
			if (!hook.muteAlert) yield* alert(alerts.waitingTrafficIncrease(), 'warn');
			return false;
		}
		yield* normal(ctx, messages.confirmTrafficIncreasePassed(hook.name));
	}
	return true;
}

/**
 * A closed promotion gate parks the canary in WaitingPromotion; while parked, each closed
 * answer sets iterations back to analysis.iterations - 1 (the A/B and Blue/Green quirk).
 */
export function* runConfirmPromotionHooks(ctx: TickContext): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'confirm-promotion')) {
		const result = yield* call(hook, 'Progressing');
		if (result.ok) {
			yield* normal(ctx, messages.confirmPromotionPassed(hook.name));
			continue;
		}
		if (ctx.read.phase !== 'WaitingPromotion') {
			yield* write(ctx, setPhase(ctx.canary, ctx.status, 'WaitingPromotion', ctx.now));
			yield* warn(ctx, messages.waitingPromotionApproval(ctx.names, hook.name));
			if (!hook.muteAlert) yield* alert(alerts.waitingPromotion(), 'warn');
		} else {
			const iterations = (getAnalysis(ctx.canary).iterations ?? 0) - 1;
			yield* write(ctx, setField(ctx.status, 'iterations', iterations, ctx.now));
		}
		return false;
	}
	return true;
}

/** True when a rollback hook answers success, i.e. asks for a rollback. */
export function* runRollbackHooks(ctx: TickContext, phase: Phase): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'rollback')) {
		const result = yield* call(hook, phase);
		if (result.ok) {
			yield* warn(ctx, messages.rollbackPassed(hook.name));
			return true;
		}
		yield* normal(ctx, messages.rollbackNotSignaling(hook.name));
	}
	return false;
}

export function* runPostRolloutHooks(ctx: TickContext, phase: 'Succeeded' | 'Failed'): Engine<boolean> {
	for (const hook of hooksOf(ctx, 'post-rollout')) {
		const result = yield* call(hook, phase);
		if (!result.ok) {
			yield* warn(ctx, messages.postRolloutFailed(hook.name, result.error));
			return false;
		}
		yield* normal(ctx, messages.postRolloutPassed(hook.name));
	}
	return true;
}
