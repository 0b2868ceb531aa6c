// A/B testing (semantics §3.6): the seed's abtest.yaml promotion and its automated rollback,
// and the iteration N/N alternation while a confirm-promotion gate is closed (§3.12).
import {describe, expect, it} from 'vitest';
import {
	acceptancePassed,
	byTick,
	canaryFailed,
	completed,
	copying,
	iteration,
	messages,
	newRevision,
	patch,
	podinfo,
	recordsOf,
	routingToPrimary,
	run,
	starting,
	thresholdReached,
} from './helpers.js';

describe('seed abtest.yaml (iterations 10, match user-agent, interval 15s)', () => {
	const result = run(podinfo('abtest.yaml'));

	it('starts as the seed shows, runs iterations 1/10..10/10 and then promotes', () => {
		// Seed: "Wait for Flagger to start the A/B test"
		expect(messages(result).slice(0, 4)).toEqual([
			'New revision detected! Scaling up podinfo.apps',
			'Starting canary analysis for podinfo.apps',
			'Pre-rollout check acceptance-test passed',
			'Advance podinfo.apps canary iteration 1/10',
		]);
		// §3.6: tick 1 = start + pre-rollout + iteration 1/N; ticks 2..N = iteration k/N;
		// tick N+1 = analysis + promotion.
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 10)],
			...[2, 3, 4, 5, 6, 7, 8, 9, 10].map(k => [iteration(k, 10)]),
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('counts iterations in the status and keeps the canary weight at 0', () => {
		for (let k = 1; k <= 10; k++) {
			expect(recordsOf(result, iteration(k, 10))[0]).toMatchObject({phase: 'Progressing', iterations: k, weight: 0});
		}
		expect(result.status).toMatchObject({phase: 'Succeeded', iterations: 0, canaryWeight: 0});
	});
});

describe('seed automated rollback: success rate drops after iteration 2', () => {
	// Iteration 2/10 is at t=30s; the 5xx burst starts with the next tick (t=45s).
	const traceCsv = [
		'time,request-success-rate',
		'0,100',
		'45s,98.82',
		'1m,97.93',
		'75,97.51',
		'1m30s,98.08',
		'105,96.88',
	].join('\n');
	const result = run(podinfo('abtest.yaml'), {trace: traceCsv});

	it('prints the seed rollback log from iteration 2/10 on', () => {
		const log = messages(result);
		expect(log.slice(log.indexOf(iteration(2, 10)))).toEqual([
			'Advance podinfo.apps canary iteration 2/10',
			'Halt podinfo.apps advancement success rate 98.82% < 99%',
			'Halt podinfo.apps advancement success rate 97.93% < 99%',
			'Halt podinfo.apps advancement success rate 97.51% < 99%',
			'Halt podinfo.apps advancement success rate 98.08% < 99%',
			'Halt podinfo.apps advancement success rate 96.88% < 99%',
			'Rolling back podinfo.apps failed checks threshold reached 5',
			'Canary failed! Scaling down podinfo.apps',
		]);
		expect(result.outcome).toBe('Failed');
	});

	it('halts once per tick and rolls back on the tick after the fifth failure', () => {
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 10)],
			[iteration(2, 10)],
			['Halt podinfo.apps advancement success rate 98.82% < 99%'],
			['Halt podinfo.apps advancement success rate 97.93% < 99%'],
			['Halt podinfo.apps advancement success rate 97.51% < 99%'],
			['Halt podinfo.apps advancement success rate 98.08% < 99%'],
			['Halt podinfo.apps advancement success rate 96.88% < 99%'],
			[thresholdReached(5), canaryFailed],
		]);
	});

	it('counts failed checks cumulatively and resets them with the rollback', () => {
		const halts = result.records.filter(record => record.message.startsWith('Halt'));
		expect(halts.map(record => record.type)).toEqual(['Warning', 'Warning', 'Warning', 'Warning', 'Warning']);
		// Each Halt event is recorded before its check is counted (§3.1 step 26).
		expect(halts.map(record => record.failedChecks)).toEqual([0, 1, 2, 3, 4]);
		// The threshold message is recorded before the rollback changes the phase (§3.9a).
		expect(recordsOf(result, thresholdReached(5))[0]).toMatchObject({type: 'Warning', failedChecks: 5, phase: 'Progressing'});
		expect(recordsOf(result, canaryFailed)[0]).toMatchObject({type: 'Warning', phase: 'Failed'});
		// §3.9a: full status sync {Failed, canaryWeight 0} resets failedChecks.
		expect(result.status).toMatchObject({phase: 'Failed', canaryWeight: 0, failedChecks: 0, iterations: 0});
	});
});

describe('A/B with a closed confirm-promotion gate (§3.12 quirk)', () => {
	const gated = () =>
		patch(podinfo('abtest.yaml'), {
			webhooks: [
				...podinfo('abtest.yaml').spec.analysis!.webhooks!,
				{name: 'promotion-gate', type: 'confirm-promotion', url: 'http://flagger-loadtester.apps/gate/check'},
			],
		});
	const halt = 'Halt podinfo.apps advancement waiting for promotion approval promotion-gate';

	it('alternates iteration 10/10 with silent ticks until the gate opens', () => {
		const result = run(gated(), {webhooks: ['promotion-gate=fail:3']});
		expect(byTick(result, 15).slice(10)).toEqual([
			[iteration(10, 10)],
			[halt], // gate call 1 fails: WaitingPromotion, iterations := 9
			[iteration(10, 10)], // 10 > 9: iterations back to 10
			[], // gate call 2 fails: iterations := 9, no event
			[iteration(10, 10)],
			[], // gate call 3 fails
			[iteration(10, 10)],
			['Confirm-promotion check promotion-gate passed', copying],
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('enters WaitingPromotion with iterations N-1 and canaryWeight 0', () => {
		const result = run(gated(), {webhooks: ['promotion-gate=fail:3']});
		expect(recordsOf(result, halt)).toHaveLength(1);
		expect(recordsOf(result, halt)[0]).toMatchObject({phase: 'WaitingPromotion', iterations: 9, weight: 0});
		const repeats = recordsOf(result, iteration(10, 10)).slice(1);
		expect(repeats.map(record => [record.phase, record.iterations])).toEqual([
			['WaitingPromotion', 10],
			['WaitingPromotion', 10],
			['WaitingPromotion', 10],
		]);
	});
});
