// Flagger's status write semantics (pkg/canary/status.go, semantics §3.4): full sync,
// phase writes (which zero weight and iterations for most phases) and single-field writes.
// Every write stamps lastTransitionTime; the Promoted condition follows the phase.
import {getAnalysis} from '../spec/defaults.js';
import type {Canary, CanaryCondition, CanaryStatus, Phase} from '../spec/types.js';

export type Revision = {
	/** Opaque hash of the target's pod template. */
	hash: string;
	/** configmap/<name> and secret/<name> checksums; undefined when nothing is referenced. */
	trackedConfigs?: Record<string, string>;
};

export function emptyStatus(): CanaryStatus {
	return {
		phase: '',
		failedChecks: 0,
		canaryWeight: 0,
		iterations: 0,
		lastAppliedSpec: '',
		lastPromotedSpec: '',
		lastTransitionTime: '',
	};
}

const conditionByPhase: Partial<Record<Phase, [CanaryCondition['status'], (kind: string) => string]>> = {
	Initialized: ['True', kind => `${kind} initialization completed.`],
	Waiting: ['Unknown', () => 'Waiting for approval.'],
	WaitingPromotion: ['Unknown', () => 'Waiting for approval.'],
	Progressing: ['Unknown', () => 'New revision detected, progressing canary analysis.'],
	Promoting: ['Unknown', () => 'Canary analysis completed, starting primary rolling update.'],
	Finalising: ['Unknown', () => 'Canary analysis completed, routing all traffic to primary.'],
	Succeeded: ['True', () => 'Canary analysis completed successfully, promotion finished.'],
	Failed: ['False', kind => `Canary analysis failed, ${kind} scaled to zero.`],
};

/** The single `Promoted` condition; rewritten only when (status, reason) changes. */
export function promotedCondition(canary: Canary, phase: Phase, previous: CanaryCondition[] | undefined, now: string): CanaryCondition[] {
	const kind = canary.spec.targetRef.kind;
	const [status, message] = conditionByPhase[phase] ?? ['Unknown', (k: string) => `New ${k} detected, starting initialization.`];
	const old = previous?.find(condition => condition.type === 'Promoted');
	const reason = phase;
	if (old && old.status === status && old.reason === reason) return previous!;
	const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : now;
	return [{type: 'Promoted', status, lastUpdateTime: now, lastTransitionTime, reason, message: message(kind)}];
}

/** SyncStatus: phase and counters as given, lastAppliedSpec from the current template. */
export function syncStatus(
	canary: Canary,
	status: CanaryStatus,
	next: {phase: Phase; canaryWeight?: number; failedChecks?: number; iterations?: number},
	revision: Revision,
	now: string,
): CanaryStatus {
	const synced: CanaryStatus = {
		...status,
		phase: next.phase,
		canaryWeight: next.canaryWeight ?? 0,
		failedChecks: next.failedChecks ?? 0,
		iterations: next.iterations ?? 0,
		lastAppliedSpec: revision.hash,
		lastTransitionTime: now,
		conditions: promotedCondition(canary, next.phase, status.conditions, now),
	};
	if (next.phase === 'Initialized') synced.lastPromotedSpec = revision.hash;
	if (revision.trackedConfigs) synced.trackedConfigs = revision.trackedConfigs;
	else delete synced.trackedConfigs;
	return synced;
}

/** SetStatusPhase: zeroes weight and iterations except while Progressing, Waiting or Promoting. */
export function setPhase(canary: Canary, status: CanaryStatus, phase: Phase, now: string): CanaryStatus {
	const next: CanaryStatus = {
		...status,
		phase,
		lastTransitionTime: now,
		conditions: promotedCondition(canary, phase, status.conditions, now),
	};
	if (phase !== 'Progressing' && phase !== 'Waiting' && phase !== 'Promoting') {
		next.canaryWeight = 0;
		next.iterations = phase === 'WaitingPromotion' ? (getAnalysis(canary).iterations ?? 0) - 1 : 0;
	}
	if (phase === 'Initialized' || phase === 'Succeeded') next.lastPromotedSpec = status.lastAppliedSpec;
	return next;
}

export function setField(
	status: CanaryStatus,
	field: 'canaryWeight' | 'iterations' | 'failedChecks',
	value: number,
	now: string,
): CanaryStatus {
	return {...status, [field]: value, lastTransitionTime: now};
}

/** hasSpecChanged: reverting the target to the promoted template does not start a run. */
export function hasTargetChanged(status: CanaryStatus, revision: Revision): boolean {
	if (status.lastAppliedSpec === '') return true;
	if (status.lastPromotedSpec === revision.hash) return false;
	return status.lastAppliedSpec !== revision.hash;
}

export function haveDependenciesChanged(status: CanaryStatus, revision: Revision): boolean {
	const observed = revision.trackedConfigs ?? {};
	const tracked = status.trackedConfigs;
	if (Object.keys(observed).length === 0 && tracked === undefined) return false;
	if (tracked === undefined) return true;
	const keys = Object.keys(observed);
	if (keys.length !== Object.keys(tracked).length) return true;
	return keys.some(key => tracked[key] !== observed[key]);
}
