// The decisions behind `canary-tui wait` and `canary-tui promote|rollback|pause|resume`, on
// plain objects: when a release counts as promoted or failed for the revision deployed now, and
// which Event answers a request.
import {describe, expect, it} from 'vitest';
import {answerOf, eventCounts, isNewOccurrence, pendingMessage} from '../../source/commands/action-answer.js';
import {exitFor, waitState} from '../../source/commands/wait-outcome.js';
import type {KubeObject} from '../../source/kube/objects.js';

const status = (phase: string, applied: string, promoted: string, extra: Record<string, unknown> = {}) => ({phase, lastAppliedSpec: applied, lastPromotedSpec: promoted, ...extra}) as any;

describe('wait: promoted or failed, for the revision the target runs now', () => {
	it('is promoted when Succeeded (or Initialized) names the current revision', () => {
		expect(waitState(status('Succeeded', 'new', 'new'), {hash: 'new'})).toEqual({outcome: 'promoted'});
		expect(waitState(status('Initialized', 'new', 'new'), {hash: 'new'})).toEqual({outcome: 'promoted'});
	});

	it('is not fooled by the Succeeded of the previous release right after kubectl apply', () => {
		const state = waitState(status('Succeeded', 'old', 'old'), {hash: 'new'});
		expect(state.outcome).toBeUndefined();
		expect(state).toHaveProperty('note', expect.stringContaining('earlier revision'));
	});

	it('is failed when Failed names the current revision, and keeps waiting on a failure of an older one', () => {
		expect(waitState(status('Failed', 'new', 'old'), {hash: 'new'})).toEqual({outcome: 'failed'});
		expect(waitState(status('Failed', 'bad', 'old'), {hash: 'new'}).outcome).toBeUndefined();
	});

	it('counts a target reverted to the promoted template after a failure as promoted (no run starts)', () => {
		expect(waitState(status('Failed', 'bad', 'good'), {hash: 'good'})).toEqual({outcome: 'promoted'});
	});

	it('keeps waiting while the release runs, and when only a tracked ConfigMap changed', () => {
		for (const phase of ['', 'Initializing', 'Progressing', 'Waiting', 'WaitingPromotion', 'Promoting', 'Finalising']) {
			expect(waitState(status(phase, 'new', 'old'), {hash: 'new'}).outcome).toBeUndefined();
		}
		const tracked = {trackedConfigs: {'configmap/settings': 'aaa'}};
		expect(waitState(status('Succeeded', 'same', 'same', tracked), {hash: 'same', trackedConfigs: {'configmap/settings': 'bbb'}}).outcome).toBeUndefined();
		expect(waitState(status('Succeeded', 'same', 'same', tracked), {hash: 'same', trackedConfigs: {'configmap/settings': 'aaa'}})).toEqual({outcome: 'promoted'});
		expect(waitState(undefined, {hash: 'new'})).toEqual({});
	});

	it('exits 0 on the awaited outcome and 1 on the other', () => {
		expect(exitFor('promoted', 'promoted')).toBe(0);
		expect(exitFor('promoted', 'failed')).toBe(1);
		expect(exitFor('failed', 'failed')).toBe(0);
		expect(exitFor('failed', 'promoted')).toBe(1);
	});
});

describe('actions: the Event that answers a request', () => {
	it('accepts the message naming the action, the canary and this requester', () => {
		expect(answerOf('Manual promotion of podinfo.apps requested by alice', 'promote', 'podinfo.apps', 'alice')).toEqual({accepted: true, message: 'Manual promotion of podinfo.apps requested by alice'});
		expect(answerOf('Pause of podinfo.apps requested by alice', 'pause', 'podinfo.apps', 'alice')?.accepted).toBe(true);
	});

	it('reads a refusal and its reason', () => {
		const answer = answerOf('Manual rollback of podinfo.apps requested by alice refused: no analysis in progress (Succeeded)', 'rollback', 'podinfo.apps', 'alice');
		expect(answer).toEqual({accepted: false, message: expect.any(String), reason: 'no analysis in progress (Succeeded)'});
	});

	it('ignores answers to someone else, another action or another canary', () => {
		expect(answerOf('Manual promotion of podinfo.apps requested by bob', 'promote', 'podinfo.apps', 'alice')).toBeUndefined();
		expect(answerOf('Manual rollback of podinfo.apps requested by alice', 'promote', 'podinfo.apps', 'alice')).toBeUndefined();
		expect(answerOf('Manual promotion of other.apps requested by alice', 'promote', 'podinfo.apps', 'alice')).toBeUndefined();
	});

	it('tells an answer recorded after the request from an identical older one (the correlator count)', () => {
		const event = (name: string, count?: number) => ({apiVersion: 'v1', kind: 'Event', metadata: {name}, count}) as KubeObject;
		const before = eventCounts([event('a', 1), event('b', 3)]);
		expect(isNewOccurrence(event('a', 1), before)).toBe(false);
		expect(isNewOccurrence(event('b', 4), before)).toBe(true);
		expect(isNewOccurrence(event('c'), before)).toBe(true);
	});

	it('says whose request is pending', () => {
		expect(pendingMessage({action: 'rollback', requester: 'bob', time: '2026-11-26T17:00:00Z'}, 'podinfo.apps')).toBe('a rollback request by bob (2026-11-26T17:00:00Z) is already pending on podinfo.apps');
		expect(pendingMessage({error: 'annotation canary-tui.io/request: expected JSON'}, 'podinfo.apps')).toContain('cannot be read');
	});
});
