// Weighted canary releases (semantics §3.1, §3.5, §3.8): the seed's canary.yaml promotion,
// stepWeights ladders, maxWeight overshoot, stepWeightPromotion and mirroring.
import {describe, expect, it} from 'vitest';
import {
	acceptancePassed,
	byTick,
	completed,
	copying,
	makeCanary,
	messages,
	newRevision,
	patch,
	podinfo,
	primaryWeight,
	recordsOf,
	routingToPrimary,
	run,
	second,
	starting,
	weight,
} from './helpers.js';

// The seed's log (shared/seed/canary-releases.md, "Automated canary promotion"), verbatim.
const seedPromotionLog = [
	'New revision detected! Scaling up podinfo.apps',
	'Starting canary analysis for podinfo.apps',
	'Pre-rollout check acceptance-test passed',
	'Advance podinfo.apps canary weight 5',
	'Advance podinfo.apps canary weight 10',
	'Advance podinfo.apps canary weight 15',
	'Advance podinfo.apps canary weight 20',
	'Advance podinfo.apps canary weight 25',
	'Advance podinfo.apps canary weight 30',
	'Advance podinfo.apps canary weight 35',
	'Advance podinfo.apps canary weight 40',
	'Advance podinfo.apps canary weight 45',
	'Advance podinfo.apps canary weight 50',
	'Copying podinfo.apps template spec to podinfo-primary.apps',
	'Routing all traffic to primary',
	'Promotion completed! Scaling down podinfo.apps',
];

describe('seed canary.yaml (stepWeight 5, maxWeight 50, interval 15s)', () => {
	const result = run(podinfo('canary.yaml'));

	it('prints exactly the seed promotion log', () => {
		expect(messages(result)).toEqual(seedPromotionLog);
		expect(result.outcome).toBe('Succeeded');
	});

	it('spends one 15s tick per step (§3.1 steps 17, 26, 28, 22, 23)', () => {
		expect(byTick(result, 15)).toEqual([
			[newRevision], // t=0: confirm-rollout (none) → Progressing; analysis starts next tick
			[starting, acceptancePassed, weight(5)], // weight 0 tick: pre-rollout instead of metrics
			[weight(10)],
			[weight(15)],
			[weight(20)],
			[weight(25)],
			[weight(30)],
			[weight(35)],
			[weight(40)],
			[weight(45)],
			[weight(50)],
			[copying], // canaryWeight >= maxWeight → promote → Promoting
			[routingToPrimary], // Promoting → Finalising
			[completed], // Finalising → Succeeded
		]);
		expect(result.ticks).toBe(14);
		expect(result.elapsed).toBe(13 * 15 * second);
	});

	it('records the new weight with each Advance event and Progressing as the phase', () => {
		for (const w of [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]) {
			const [record] = recordsOf(result, weight(w));
			expect(record).toMatchObject({type: 'Normal', error: false, canary: 'podinfo.apps', phase: 'Progressing', weight: w, failedChecks: 0});
		}
	});

	it('routes to primary while Promoting and completes in Succeeded with weight 0', () => {
		expect(recordsOf(result, routingToPrimary)[0]).toMatchObject({phase: 'Promoting'});
		expect(recordsOf(result, completed)[0]).toMatchObject({phase: 'Succeeded', weight: 0});
		expect(result.status).toMatchObject({phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0});
	});

	it('makes every event a Normal event', () => {
		expect(result.records.every(record => record.type === 'Normal' && !record.error)).toBe(true);
	});
});

/** Advance messages of a run, as numbers. */
function advances(messagesList: string[]): number[] {
	return messagesList.flatMap(message => {
		const match = /^Advance podinfo\.apps canary weight (\d+)$/.exec(message);
		return match ? [Number(match[1])] : [];
	});
}

describe('stepWeights ladders (§3.5 nextStepWeight, maxWeight = last step)', () => {
	const ladder = (stepWeights: number[], extra: Record<string, unknown> = {}) =>
		run(patch(podinfo(), {stepWeight: undefined, stepWeights, ...extra}));

	it('[1, 2, 10, 80] climbs the ladder and promotes at 80 (last step < 100); maxWeight 50 is ignored', () => {
		const result = ladder([1, 2, 10, 80]); // canary.yaml keeps maxWeight: 50
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(1)],
			[weight(2)],
			[weight(10)],
			[weight(80)],
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('[10, 50, 100] reaches 100 and then promotes (step of 1 forces the promotion branch)', () => {
		const result = ladder([10, 50, 100], {maxWeight: undefined});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(10)],
			[weight(50)],
			[weight(100)],
			[copying],
			[routingToPrimary],
			[completed],
		]);
	});

	it('[20, 40] without maxWeight promotes at 40', () => {
		const result = ladder([20, 40], {maxWeight: undefined});
		expect(messages(result)).toEqual([newRevision, starting, acceptancePassed, weight(20), weight(40), copying, routingToPrimary, completed]);
	});

	it('[100] goes to 100 in one step', () => {
		const result = ladder([100], {maxWeight: undefined});
		expect(advances(messages(result))).toEqual([100]);
		expect(messages(result).slice(-3)).toEqual([copying, routingToPrimary, completed]);
	});

	it('[50, 120] caps the last step at 100 (maxWeight = min(last, 100), steps capped by 100 - weight)', () => {
		const result = ladder([50, 120], {maxWeight: undefined});
		expect(advances(messages(result))).toEqual([50, 100]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('[5, 15, 30, 60] with maxWeight 100 still stops at the last step', () => {
		const result = ladder([5, 15, 30, 60], {maxWeight: 100});
		expect(advances(messages(result))).toEqual([5, 15, 30, 60]);
		expect(messages(result).slice(-3)).toEqual([copying, routingToPrimary, completed]);
	});
});

describe('stepWeight and maxWeight', () => {
	it('overshoots maxWeight: maxWeight 50, stepWeight 20 → 20, 40, 60, then promotion (docs example)', () => {
		const result = run(patch(podinfo(), {stepWeight: 20, maxWeight: 50}));
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(20)],
			[weight(40)],
			[weight(60)],
			[copying],
			[routingToPrimary],
			[completed],
		]);
	});

	it('caps the canary weight at 100: stepWeight 30 without maxWeight → 30, 60, 90, 100', () => {
		const result = run(patch(podinfo(), {stepWeight: 30, maxWeight: undefined}));
		expect(advances(messages(result))).toEqual([30, 60, 90, 100]);
		expect(messages(result).slice(-3)).toEqual([copying, routingToPrimary, completed]);
	});

	it('stepWeight 100 promotes after a single advance', () => {
		const result = run(patch(podinfo(), {stepWeight: 100, maxWeight: undefined}));
		expect(messages(result)).toEqual([newRevision, starting, acceptancePassed, weight(100), copying, routingToPrimary, completed]);
	});

	it('maxWeight 0 means 100', () => {
		const result = run(patch(podinfo(), {stepWeight: 40, maxWeight: 0}));
		expect(advances(messages(result))).toEqual([40, 80, 100]);
	});
});

describe('weight edge cases (§3.5 read literally)', () => {
	it('maxWeight above 100 is never reached: the canary stays at 100 and advances every tick', () => {
		// maxWeight is not capped (only the last stepWeights element is); canary += step is capped at 100.
		const result = run(patch(podinfo(), {stepWeight: 50, maxWeight: 150}), {limit: 10 * 15 * second});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(50)],
			...Array.from({length: result.ticks - 2}, () => [weight(100)]),
		]);
		expect(result.outcome).toBe('timeout');
	});

	it('unsorted stepWeights [50, 20]: at 50 the next step is 20 - 50 < 0, so even the promotion branch is never reached', () => {
		// maxWeight is 20, but step 28 dispatches to runCanary only when nextStepWeight > 0.
		const result = run(patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, stepWeights: [50, 20]}), {limit: 8 * 15 * second});
		expect(advances(messages(result))).toEqual([50]);
		expect(messages(result)).not.toContain(copying);
		expect(result.outcome).toBe('timeout');
	});

	it('unsorted stepWeights [10, 30, 20]: 10, 30, then stuck (20 - 30 < 0)', () => {
		const result = run(patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, stepWeights: [10, 30, 20]}), {limit: 8 * 15 * second});
		expect(advances(messages(result))).toEqual([10, 30]);
		expect(result.outcome).toBe('timeout');
	});

	it('unsorted stepWeights [60, 120, 30]: 60 is past maxWeight 30 and the next step (40) is positive, so it promotes', () => {
		const result = run(patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, stepWeights: [60, 120, 30]}));
		expect(advances(messages(result))).toEqual([60]);
		expect(messages(result).slice(-3)).toEqual([copying, routingToPrimary, completed]);
	});

	it('a descending step gives a negative next step: the canary neither advances nor promotes', () => {
		// [30, 10, 60]: at 30 the next step is 10 - 30 < 0, and step 28 only acts on a step > 0.
		const result = run(patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, stepWeights: [30, 10, 60]}), {limit: 10 * 15 * second});
		expect(byTick(result, 15)).toEqual([[newRevision], [starting, acceptancePassed, weight(30)], ...Array.from({length: result.ticks - 2}, () => [])]);
		expect(result.outcome).toBe('timeout');
		expect(result.status).toMatchObject({phase: 'Progressing', canaryWeight: 30});
	});
});

describe('stepWeightPromotion (§3.8)', () => {
	it('returns traffic to primary step by step: weight 50, step 20 → primary 70, 90, 100, then Succeeded', () => {
		const result = run(patch(podinfo(), {stepWeightPromotion: 20}));
		const ticks = byTick(result, 15);
		expect(ticks.slice(10)).toEqual([
			[weight(50)],
			[copying],
			[primaryWeight(70)],
			[primaryWeight(90)],
			[primaryWeight(100)], // primary 100 → Finalising
			[completed],
		]);
		expect(messages(result)).not.toContain(routingToPrimary);
		expect(result.outcome).toBe('Succeeded');
		expect(recordsOf(result, primaryWeight(70))[0]).toMatchObject({phase: 'Promoting'});
	});

	it('caps the primary at 100: weight 50, step 30 → primary 80, 100', () => {
		const result = run(patch(podinfo(), {stepWeightPromotion: 30}));
		expect(messages(result).slice(-4)).toEqual([copying, primaryWeight(80), primaryWeight(100), completed]);
	});

	it('a step of 100 finishes in one tick', () => {
		const result = run(patch(podinfo(), {stepWeightPromotion: 100}));
		expect(messages(result).slice(-3)).toEqual([copying, primaryWeight(100), completed]);
	});

	it('starts from the overshot weight: maxWeight 50, stepWeight 20 (canary 60), step 25 → primary 65, 90, 100', () => {
		const result = run(patch(podinfo(), {stepWeight: 20, maxWeight: 50, stepWeightPromotion: 25}));
		expect(messages(result).slice(3)).toEqual([
			weight(20),
			weight(40),
			weight(60),
			copying,
			primaryWeight(65),
			primaryWeight(90),
			primaryWeight(100),
			completed,
		]);
	});
});

describe('traffic mirroring (Istio, §3.5)', () => {
	it('the first advance only turns mirroring on (weight 0), the next shifts the first step', () => {
		const canary = makeCanary({threshold: 5, stepWeight: 20, maxWeight: 40, mirror: true}, {provider: 'istio'});
		const result = run(canary);
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(0)],
			// weight 0 but mirrored: not the "Starting canary analysis" branch again
			[weight(20)],
			[weight(40)],
			[copying],
			[routingToPrimary],
			[completed],
		]);
	});
});
