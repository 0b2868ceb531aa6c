// When `canary-tui wait` is done: the canary promoted or failed *for the revision the target
// runs now*. Right after `kubectl apply` of a new version the status still says Succeeded for
// the previous one; comparing lastAppliedSpec/lastPromotedSpec (and the tracked configs) with
// the target's current revision — computed as the controller computes it — tells them apart.
import {haveDependenciesChanged, type Revision} from '../core/engine/status.js';
import type {CanaryStatus} from '../core/spec/types.js';

export type WaitFor = 'promoted' | 'failed';
export const waitConditions: readonly WaitFor[] = ['promoted', 'failed'];

export type WaitState = {outcome: WaitFor} | {outcome?: undefined; note?: string};

export function waitState(status: Partial<CanaryStatus> | undefined, revision: Revision): WaitState {
	const phase = status?.phase;
	if (!status || !phase) return {};
	const configsSame = !haveDependenciesChanged(status as CanaryStatus, revision);
	const applied = status.lastAppliedSpec === revision.hash && configsSame;
	const promoted = status.lastPromotedSpec === revision.hash && configsSame;
	// Initialized counts as promoted, like the Promoted condition `kubectl wait` reads: the
	// primary was bootstrapped from this very revision.
	if ((phase === 'Succeeded' || phase === 'Initialized') && applied && promoted) return {outcome: 'promoted'};
	if (phase === 'Failed') {
		if (applied) return {outcome: 'failed'};
		// Reverted to the promoted template after a failure: the controller starts no run (§3.2).
		if (promoted) return {outcome: 'promoted'};
	}
	if (phase === 'Succeeded' || phase === 'Initialized' || phase === 'Failed') {
		return {note: `${phase} is for an earlier revision of the target; waiting for the controller to start the new one`};
	}
	return {};
}

/** DESIGN.md §4: 0 when the awaited outcome happened, 1 when the other one did. */
export const exitFor = (wanted: WaitFor, outcome: WaitFor): number => (wanted === outcome ? 0 : 1);
