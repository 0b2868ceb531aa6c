import {describe, expect, it} from 'vitest';
import {emptyStatus, hasTargetChanged, haveDependenciesChanged, promotedCondition, setField, setPhase, syncStatus} from '../../source/core/engine/status.js';
import type {Canary, CanaryStatus} from '../../source/core/spec/types.js';

const canary: Canary = {
	apiVersion: 'flagger.app/v1beta1',
	kind: 'Canary',
	metadata: {name: 'podinfo', namespace: 'apps'},
	spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {iterations: 10}},
};
const t0 = '2020-11-14T12:03:39Z';
const t1 = '2020-11-14T12:03:54Z';

function running(): CanaryStatus {
	return {...emptyStatus(), phase: 'Progressing', canaryWeight: 25, failedChecks: 2, iterations: 3, lastAppliedSpec: 'b', lastPromotedSpec: 'a', lastTransitionTime: t0};
}

describe('status writes', () => {
	it('a full sync resets the counters and records the current template', () => {
		const synced = syncStatus(canary, running(), {phase: 'Failed'}, {hash: 'c'}, t1);
		expect(synced).toMatchObject({phase: 'Failed', canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'c', lastPromotedSpec: 'a', lastTransitionTime: t1});
		expect(synced.conditions).toEqual([
			{type: 'Promoted', status: 'False', reason: 'Failed', message: 'Canary analysis failed, Deployment scaled to zero.', lastUpdateTime: t1, lastTransitionTime: t1},
		]);
	});

	it('syncing to Initialized also marks the template as promoted', () => {
		expect(syncStatus(canary, emptyStatus(), {phase: 'Initialized'}, {hash: 'a'}, t0)).toMatchObject({lastAppliedSpec: 'a', lastPromotedSpec: 'a'});
	});

	it('phase writes zero weight and iterations except for Progressing, Waiting and Promoting (quirk Q2)', () => {
		expect(setPhase(canary, running(), 'Promoting', t1)).toMatchObject({canaryWeight: 25, iterations: 3, failedChecks: 2});
		expect(setPhase(canary, running(), 'Finalising', t1)).toMatchObject({canaryWeight: 0, iterations: 0, failedChecks: 2});
		expect(setPhase(canary, running(), 'WaitingPromotion', t1)).toMatchObject({canaryWeight: 0, iterations: 9});
	});

	it('Succeeded copies lastAppliedSpec to lastPromotedSpec', () => {
		expect(setPhase(canary, running(), 'Succeeded', t1)).toMatchObject({lastPromotedSpec: 'b', phase: 'Succeeded'});
	});

	it('single-field writes touch only that field and the transition time', () => {
		expect(setField(running(), 'failedChecks', 3, t1)).toEqual({...running(), failedChecks: 3, lastTransitionTime: t1});
	});

	it('the condition keeps its transition time while its status is unchanged', () => {
		const progressing = promotedCondition(canary, 'Progressing', undefined, t0);
		const promoting = promotedCondition(canary, 'Promoting', progressing, t1);
		expect(promoting[0]).toMatchObject({status: 'Unknown', reason: 'Promoting', lastTransitionTime: t0, lastUpdateTime: t1});
		expect(promotedCondition(canary, 'Promoting', promoting, '2030-01-01T00:00:00Z')).toBe(promoting);
	});
});

describe('revision detection', () => {
	const status = {...emptyStatus(), phase: 'Succeeded' as const, lastAppliedSpec: 'b', lastPromotedSpec: 'b'};

	it('a new template hash is a change; going back to the promoted one is not', () => {
		expect(hasTargetChanged(status, {hash: 'c'})).toBe(true);
		expect(hasTargetChanged(status, {hash: 'b'})).toBe(false);
		expect(hasTargetChanged({...status, lastAppliedSpec: 'c'}, {hash: 'b'})).toBe(false);
		expect(hasTargetChanged({...status, lastAppliedSpec: ''}, {hash: 'b'})).toBe(true);
	});

	it('tracked configs: a new, removed or changed checksum is a change', () => {
		expect(haveDependenciesChanged(status, {hash: 'b'})).toBe(false);
		expect(haveDependenciesChanged(status, {hash: 'b', trackedConfigs: {'configmap/a': '1'}})).toBe(true);
		const tracked = {...status, trackedConfigs: {'configmap/a': '1'}};
		expect(haveDependenciesChanged(tracked, {hash: 'b', trackedConfigs: {'configmap/a': '1'}})).toBe(false);
		expect(haveDependenciesChanged(tracked, {hash: 'b', trackedConfigs: {'configmap/a': '2'}})).toBe(true);
		expect(haveDependenciesChanged(tracked, {hash: 'b', trackedConfigs: {'configmap/a': '1', 'secret/b': '3'}})).toBe(true);
	});
});
