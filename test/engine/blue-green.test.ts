// Blue/Green (iterations without match, semantics §3.7), including the kubernetes provider
// (§3.1 step 27) and mirroring.
import {describe, expect, it} from 'vitest';
import {
	acceptancePassed,
	byTick,
	canaryFailed,
	completed,
	copying,
	iteration,
	makeCanary,
	messages,
	newRevision,
	patch,
	podinfo,
	primaryWeight,
	routingToPrimary,
	run,
	starting,
	thresholdReached,
} from './helpers.js';

const routingToCanary = 'Routing all traffic to canary';
const progressive = 'Progressive traffic is not supported when using the kubernetes provider';
const setting = 'Setting canaryAnalysis.iterations: 10';
const abUnsupported = 'A/B testing is not supported when using the kubernetes provider';

const blueGreen = (iterations: number, extra: Record<string, unknown> = {}, spec = {}) =>
	patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, iterations, ...extra}, spec);

describe('Blue/Green on App Mesh', () => {
	it('runs the iterations, routes all traffic to the canary, analyses once more, then promotes', () => {
		const result = run(blueGreen(3));
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 3)],
			[iteration(2, 3)],
			[iteration(3, 3)],
			[routingToCanary], // iterations == N: routes 0/100, iterations := N+1 (no event)
			[copying], // iterations > N
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
		expect(result.status).toMatchObject({phase: 'Succeeded', canaryWeight: 0, iterations: 0});
	});

	it('asks confirm-promotion hooks both before routing to the canary and before promoting', () => {
		const base = blueGreen(2);
		const canary = patch(base, {
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'promote', type: 'confirm-promotion', url: 'http://flagger-loadtester.apps/gate/check'}],
		});
		const result = run(canary);
		expect(byTick(result, 15).slice(3)).toEqual([
			['Confirm-promotion check promote passed', routingToCanary],
			['Confirm-promotion check promote passed', copying],
			[routingToPrimary],
			[completed],
		]);
	});

	it('analyses the canary with live traffic after the switch and rolls back on failure', () => {
		// t=60s is the tick after "Routing all traffic to canary" (t=45s).
		const canary = blueGreen(2, {threshold: 1});
		const result = run(canary, {trace: 'time,request-success-rate\n0,100\n60,42.5'});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 2)],
			[iteration(2, 2)],
			[routingToCanary],
			['Halt podinfo.apps advancement success rate 42.50% < 99%'],
			[thresholdReached(1), canaryFailed],
		]);
		expect(result.outcome).toBe('Failed');
	});

	it('shifts traffic back progressively with stepWeightPromotion (canary holds 100 after the switch)', () => {
		const result = run(blueGreen(2, {stepWeightPromotion: 50}));
		expect(messages(result).slice(-6)).toEqual([iteration(2, 2), routingToCanary, copying, primaryWeight(50), primaryWeight(100), completed]);
	});
});

describe('Blue/Green with a closed confirm-promotion gate (§3.12 quirk)', () => {
	it('alternates iteration N/N while WaitingPromotion, then asks again before promoting', () => {
		const base = blueGreen(2);
		const canary = patch(base, {
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'promote', type: 'confirm-promotion', url: 'http://flagger-loadtester.apps/gate/check'}],
		});
		const result = run(canary, {webhooks: ['promote=fail:2']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 2)],
			[iteration(2, 2)],
			['Halt podinfo.apps advancement waiting for promotion approval promote'], // call 1: WaitingPromotion, iterations := 1
			[iteration(2, 2)],
			[], // call 2 fails: iterations := 1
			[iteration(2, 2)],
			['Confirm-promotion check promote passed', routingToCanary], // call 3
			['Confirm-promotion check promote passed', copying], // call 4
			[routingToPrimary],
			[completed],
		]);
	});
});

describe('Blue/Green with iterations 1 and a closed confirm-promotion gate', () => {
	it('WaitingPromotion resets iterations to 0, so the weight-0/iterations-0 start branch runs again', () => {
		// SetStatusPhase(WaitingPromotion) sets iterations = 1 - 1 = 0, canaryWeight reads 0 (Q2):
		// step 26 then takes the "Starting canary analysis" + pre-rollout branch.
		const base = blueGreen(1);
		const canary = patch(base, {
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'promote', type: 'confirm-promotion', url: 'http://flagger-loadtester.apps/gate/check'}],
		});
		const result = run(canary, {webhooks: ['promote=fail:2']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 1)],
			['Halt podinfo.apps advancement waiting for promotion approval promote'],
			[starting, acceptancePassed, iteration(1, 1)],
			[],
			[starting, acceptancePassed, iteration(1, 1)],
			['Confirm-promotion check promote passed', routingToCanary],
			['Confirm-promotion check promote passed', copying],
			[routingToPrimary],
			[completed],
		]);
	});
});

describe('Blue/Green with mirroring (Istio)', () => {
	it('mirrors during the iterations and says so when switching', () => {
		const canary = makeCanary({threshold: 5, iterations: 2, mirror: true}, {provider: 'istio'});
		const result = run(canary);
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, iteration(1, 2)],
			[iteration(2, 2)],
			['Stop traffic mirroring and route all traffic to canary'],
			[copying],
			[routingToPrimary],
			[completed],
		]);
	});
});

describe('Blue/Green with mirroring on App Mesh (no mirroring support, same events)', () => {
	it('still says it stops mirroring when switching', () => {
		const result = run(blueGreen(2, {mirror: true}));
		expect(messages(result).slice(3)).toEqual([
			iteration(1, 2),
			iteration(2, 2),
			'Stop traffic mirroring and route all traffic to canary',
			copying,
			routingToPrimary,
			completed,
		]);
	});
});

describe('kubernetes provider', () => {
	it('turns a stepWeight canary into 10 iterations, warning on every analysis tick', () => {
		const result = run(patch(podinfo(), {}, {provider: 'kubernetes'}));
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, progressive, setting, iteration(1, 10)],
			...[2, 3, 4, 5, 6, 7, 8, 9, 10].map(k => [progressive, setting, iteration(k, 10)]),
			[progressive, setting], // iterations == N: no routing on kubernetes, iterations := 11
			[progressive, setting, copying],
			[], // Promoting: straight to Finalising, no event
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
		const warnings = result.records.filter(record => record.message === progressive || record.message === setting);
		expect(warnings.every(record => record.type === 'Warning')).toBe(true);
	});

	it('runs Blue/Green iterations without warnings and without traffic events', () => {
		const result = run(blueGreen(2, {}, {provider: 'kubernetes'}));
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, iteration(1, 2)],
			[iteration(2, 2)],
			[],
			[copying],
			[],
			[completed],
		]);
	});

	it('has no traffic events with mirror either (mirroring and the switch are skipped for kubernetes)', () => {
		const result = run(blueGreen(2, {mirror: true}, {provider: 'kubernetes'}));
		expect(messages(result)).toEqual([newRevision, starting, acceptancePassed, iteration(1, 2), iteration(2, 2), copying, completed]);
	});

	it('ignores A/B match conditions with a warning on every analysis tick', () => {
		const canary = patch(podinfo('abtest.yaml'), {iterations: 2}, {provider: 'kubernetes'});
		const result = run(canary);
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, abUnsupported, iteration(1, 2)],
			[abUnsupported, iteration(2, 2)],
			[abUnsupported],
			[abUnsupported, copying],
			[],
			[completed],
		]);
	});

	it('does not warn on a tick whose analysis failed (the warnings follow the analysis step)', () => {
		const canary = patch(podinfo(), {threshold: 1}, {provider: 'kubernetes'});
		const result = run(canary, {trace: 'time,request-success-rate\n0,100\n30,50'});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, progressive, setting, iteration(1, 10)],
			['Halt podinfo.apps advancement success rate 50.00% < 99%'],
			[thresholdReached(1), canaryFailed],
		]);
	});
});
