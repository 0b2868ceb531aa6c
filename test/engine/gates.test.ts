// Webhooks and manual gates (semantics §3.1 steps 17/21/26/28, §3.12, §5.2) on the seed's
// canary.yaml (pre-rollout acceptance-test, rollout load-test, interval 15s, threshold 5).
import {describe, expect, it} from 'vitest';
import type {CanaryWebhook, HookType} from '../../source/core/spec/types.js';
import {
	acceptancePassed,
	byTick,
	canaryFailed,
	completed,
	copying,
	http500,
	makeCanary,
	messages,
	newRevision,
	patch,
	podinfo,
	recordsOf,
	routingToPrimary,
	run,
	starting,
	thresholdReached,
	weight,
} from './helpers.js';

const gateUrl = 'http://flagger-loadtester.apps/gate/check';
const rollbackUrl = 'http://flagger-loadtester.apps/rollback/check';

/** canary.yaml with extra hooks appended after acceptance-test and load-test. */
function withHooks(...hooks: Array<[name: string, type: HookType, url?: string, extra?: Partial<CanaryWebhook>]>) {
	const base = podinfo();
	return patch(base, {
		webhooks: [
			...base.spec.analysis!.webhooks!,
			...hooks.map(([name, type, url = gateUrl, extra = {}]) => ({name, type, url, ...extra})),
		],
	});
}

const weights = (...ws: number[]) => ws.map(w => [weight(w)]);
const fiveToFifty = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];

describe('pre-rollout hooks', () => {
	const halt = `Halt podinfo.apps advancement pre-rollout check acceptance-test failed ${http500()}`;

	it('counts a failed check and repeats "Starting canary analysis" on the next tick', () => {
		const result = run(podinfo(), {webhooks: ['acceptance-test=fail:2']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, halt],
			[starting, halt],
			[starting, acceptancePassed, weight(5)],
			...weights(10, 15, 20, 25, 30, 35, 40, 45, 50),
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(recordsOf(result, halt).map(record => [record.type, record.failedChecks])).toEqual([
			['Warning', 0],
			['Warning', 1],
		]);
		expect(recordsOf(result, weight(5))[0]).toMatchObject({failedChecks: 2});
		expect(result.outcome).toBe('Succeeded');
		// §3.4: SetStatusPhase(Succeeded) zeroes weight and iterations, not failedChecks.
		expect(result.status).toMatchObject({phase: 'Succeeded', failedChecks: 2, canaryWeight: 0});
	});

	it('rolls back after threshold failures when it never passes', () => {
		const result = run(podinfo(), {webhooks: ['acceptance-test=fail']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, halt],
			[starting, halt],
			[starting, halt],
			[starting, halt],
			[starting, halt],
			[thresholdReached(5), canaryFailed],
		]);
		expect(result.outcome).toBe('Failed');
	});

	it('reports retries + 1 attempts in the error', () => {
		const base = podinfo();
		const hooks = base.spec.analysis!.webhooks!.map(hook => (hook.name === 'acceptance-test' ? {...hook, retries: 2} : hook));
		const result = run(patch(base, {webhooks: hooks}), {webhooks: ['acceptance-test=fail:1']});
		expect(byTick(result, 15)[1]).toEqual([
			starting,
			`Halt podinfo.apps advancement pre-rollout check acceptance-test failed POST http://flagger-loadtester.apps/ giving up after 3 attempt(s): unexpected HTTP status 500 Internal Server Error`,
		]);
	});

	it('runs all pre-rollout hooks in order and stops at the first failure', () => {
		const canary = withHooks(['smoke', 'pre-rollout', 'http://smoke.apps/']);
		const result = run(canary, {webhooks: ['smoke=fail:1']});
		expect(byTick(result, 15).slice(1, 3)).toEqual([
			[starting, acceptancePassed, `Halt podinfo.apps advancement pre-rollout check smoke failed ${http500('http://smoke.apps/')}`],
			[starting, acceptancePassed, 'Pre-rollout check smoke passed', weight(5)],
		]);
	});
});

describe('rollout hooks', () => {
	const halt = `Halt podinfo.apps advancement external check load-test failed ${http500()}`;

	it('a failing rollout hook (type "") counts a failed check as an external check', () => {
		const result = run(podinfo(), {webhooks: ['load-test=fail:1']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(5)], // rollout hooks do not run on the weight-0 tick
			[halt],
			...weights(10, 15, 20, 25, 30, 35, 40, 45, 50),
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(recordsOf(result, halt)[0]).toMatchObject({type: 'Warning', failedChecks: 0});
		expect(recordsOf(result, weight(10))[0]).toMatchObject({failedChecks: 1});
	});

	it('runs before the metric checks: a failing hook hides a failing metric on the same tick', () => {
		const result = run(podinfo(), {webhooks: ['load-test=fail:1'], trace: 'time,request-success-rate\n0,100\n30,50\n45,100'});
		expect(byTick(result, 15)[2]).toEqual([halt]);
	});

	it('an explicit type: rollout hook behaves the same', () => {
		const canary = withHooks(['conformance', 'rollout', 'http://conformance.apps/']);
		const result = run(canary, {webhooks: ['conformance=fail:2']});
		const halt2 = `Halt podinfo.apps advancement external check conformance failed ${http500('http://conformance.apps/')}`;
		expect(byTick(result, 15).slice(1, 5)).toEqual([[starting, acceptancePassed, weight(5)], [halt2], [halt2], [weight(10)]]);
	});
});

describe('confirm-rollout gate', () => {
	const waiting = 'Halt podinfo.apps advancement waiting for approval gate';

	it('holds the canary in Waiting with a single message while closed (fail forever)', () => {
		const result = run(withHooks(['gate', 'confirm-rollout']), {webhooks: ['gate=fail'], limit: 20 * 15 * 1e9});
		expect(messages(result)).toEqual([waiting]);
		expect(recordsOf(result, waiting)[0]).toMatchObject({type: 'Warning'});
		expect(result.outcome).toBe('timeout');
		expect(result.ticks).toBeGreaterThan(10);
		expect(result.status).toMatchObject({phase: 'Waiting', canaryWeight: 0, failedChecks: 0});
	});

	it('starts the release once the gate opens (fail:3)', () => {
		const result = run(withHooks(['gate', 'confirm-rollout']), {webhooks: ['gate=fail:3']});
		expect(byTick(result, 15)).toEqual([
			[waiting],
			[],
			[],
			['Confirm-rollout check gate passed', newRevision],
			[starting, acceptancePassed, weight(5)],
			...weights(10, 15, 20, 25, 30, 35, 40, 45, 50),
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('calls all confirm-rollout hooks in order and stops at the first closed one', () => {
		const result = run(withHooks(['first', 'confirm-rollout'], ['second', 'confirm-rollout']), {webhooks: ['second=fail:1']});
		expect(byTick(result, 15).slice(0, 2)).toEqual([
			['Confirm-rollout check first passed', 'Halt podinfo.apps advancement waiting for approval second'],
			['Confirm-rollout check first passed', 'Confirm-rollout check second passed', newRevision],
		]);
	});
});

describe('confirm-promotion gate (weighted)', () => {
	const waiting = 'Halt podinfo.apps advancement waiting for promotion approval promote';

	it('enters WaitingPromotion once, keeps analysing, and promotes when the gate opens', () => {
		const result = run(withHooks(['promote', 'confirm-promotion']), {webhooks: ['promote=fail:2']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, weight(5)],
			...weights(10, 15, 20, 25, 30, 35, 40, 45, 50),
			[waiting], // call 1 fails: phase WaitingPromotion
			[], // call 2 fails: iterations := -1, no event
			['Confirm-promotion check promote passed', copying],
			[routingToPrimary],
			[completed],
		]);
		// Q2: canaryWeight reads 0 in WaitingPromotion; iterations = analysis.iterations - 1 = -1.
		expect(recordsOf(result, waiting)[0]).toMatchObject({type: 'Warning', phase: 'WaitingPromotion', weight: 0, iterations: -1});
	});

	it('still rolls back on the failed-checks threshold while WaitingPromotion', () => {
		const canary = makeCanary({
			threshold: 2,
			stepWeight: 50,
			maxWeight: 50,
			metrics: [{name: 'request-success-rate', thresholdRange: {min: 99}, interval: '1m'}],
			webhooks: [{name: 'promote', type: 'confirm-promotion', url: gateUrl}],
		});
		const result = run(canary, {webhooks: ['promote=fail'], trace: 'time,request-success-rate\n0,100\n3m,90'});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(50)],
			[waiting],
			['Halt podinfo.apps advancement success rate 90.00% < 99%'],
			['Halt podinfo.apps advancement success rate 90.00% < 99%'],
			[thresholdReached(2), canaryFailed],
		]);
		expect(result.outcome).toBe('Failed');
	});
});

describe('confirm-traffic-increase gate', () => {
	const waiting = 'Halt podinfo.apps advancement waiting for traffic increase approval traffic';
	const passed = 'Confirm-traffic-increase check traffic passed';

	it('halts every tick while closed without counting failed checks, then asks before every increase', () => {
		const result = run(withHooks(['traffic', 'confirm-traffic-increase']), {webhooks: ['traffic=fail:2']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[starting, acceptancePassed, waiting],
			[starting, acceptancePassed, waiting], // weight still 0: the start branch runs again
			[starting, acceptancePassed, passed, weight(5)],
			...[10, 15, 20, 25, 30, 35, 40, 45, 50].map(w => [passed, weight(w)]),
			[passed, copying], // next step > 0 at the promotion point, phase Progressing
			[routingToPrimary],
			[completed],
		]);
		expect(result.records.every(record => record.failedChecks === 0)).toBe(true);
		expect(recordsOf(result, waiting).map(record => record.type)).toEqual(['Warning', 'Warning']);
		expect(result.status.failedChecks).toBe(0);
	});

	it('never rolls back while closed: the run times out in Progressing', () => {
		const result = run(withHooks(['traffic', 'confirm-traffic-increase']), {webhooks: ['traffic=fail'], limit: 12 * 15 * 1e9});
		const ticks = byTick(result, 15);
		expect(ticks[0]).toEqual([newRevision]);
		for (const tick of ticks.slice(1)) expect(tick).toEqual([starting, acceptancePassed, waiting]);
		expect(result.outcome).toBe('timeout');
		expect(result.status).toMatchObject({phase: 'Progressing', failedChecks: 0});
	});

	it('is not asked while WaitingPromotion', () => {
		const result = run(withHooks(['traffic', 'confirm-traffic-increase'], ['promote', 'confirm-promotion']), {webhooks: ['promote=fail:2']});
		expect(byTick(result, 15).slice(10, 14)).toEqual([
			[passed, weight(50)],
			[passed, 'Halt podinfo.apps advancement waiting for promotion approval promote'],
			[],
			['Confirm-promotion check promote passed', copying],
		]);
	});

	it('is only asked by the weighted strategy: Blue/Green ignores it', () => {
		const base = withHooks(['traffic', 'confirm-traffic-increase']);
		const canary = patch(base, {stepWeight: undefined, maxWeight: undefined, iterations: 2});
		const result = run(canary, {webhooks: ['traffic=fail']});
		expect(messages(result).some(message => message.includes('traffic increase') || message.startsWith('Confirm-traffic-increase'))).toBe(false);
		expect(result.outcome).toBe('Succeeded');
	});

	it('is not asked while traffic is mirrored (Istio)', () => {
		const canary = makeCanary(
			{threshold: 5, stepWeight: 20, maxWeight: 40, mirror: true, webhooks: [{name: 'traffic', type: 'confirm-traffic-increase', url: gateUrl}]},
			{provider: 'istio'},
		);
		const result = run(canary);
		expect(byTick(result, 60).slice(1, 5)).toEqual([
			[starting, passed, weight(0)], // turns mirroring on
			[weight(20)], // mirrored: no hook
			[passed, weight(40)],
			[passed, copying],
		]);
	});
});

describe('rollback hooks', () => {
	const notSignaling = 'Rollback hook rollback not signaling a rollback';
	const checkPassed = 'Rollback check rollback passed';
	const manual = 'Rolling back podinfo.apps manual webhook invoked';

	it('an unscripted (passing) rollback hook rolls back on the first Progressing tick', () => {
		const result = run(withHooks(['rollback', 'rollback', rollbackUrl]));
		expect(byTick(result, 15)).toEqual([[newRevision], [checkPassed, manual, canaryFailed]]);
		expect(result.outcome).toBe('Failed');
		for (const message of [checkPassed, manual, canaryFailed]) expect(recordsOf(result, message)[0]!.type).toBe('Warning');
		expect(result.status).toMatchObject({phase: 'Failed', canaryWeight: 0, failedChecks: 0});
	});

	it('says "not signaling" on each tick while the hook fails, then rolls back when it passes', () => {
		const result = run(withHooks(['rollback', 'rollback', rollbackUrl]), {webhooks: ['rollback=fail:3']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[notSignaling, starting, acceptancePassed, weight(5)],
			[notSignaling, weight(10)],
			[notSignaling, weight(15)],
			[checkPassed, manual, canaryFailed],
		]);
	});

	it('is checked on every Progressing tick but not while Promoting or Finalising', () => {
		const result = run(withHooks(['rollback', 'rollback', rollbackUrl]), {webhooks: ['rollback=fail']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			[notSignaling, starting, acceptancePassed, weight(5)],
			...[10, 15, 20, 25, 30, 35, 40, 45, 50].map(w => [notSignaling, weight(w)]),
			[notSignaling, copying],
			[routingToPrimary],
			[completed],
		]);
		expect(recordsOf(result, notSignaling)[0]!.type).toBe('Normal');
	});

	it('is checked while WaitingPromotion', () => {
		const result = run(withHooks(['promote', 'confirm-promotion'], ['rollback', 'rollback', rollbackUrl]), {
			webhooks: ['promote=fail', 'rollback=fail:11'],
		});
		expect(byTick(result, 15).slice(11)).toEqual([
			[notSignaling, 'Halt podinfo.apps advancement waiting for promotion approval promote'],
			[checkPassed, manual, canaryFailed],
		]);
	});

	it('is honoured while Waiting (DESIGN.md §3 deliberate fix of quirk Q3)', () => {
		const result = run(withHooks(['gate', 'confirm-rollout'], ['rollback', 'rollback', rollbackUrl]), {
			webhooks: ['gate=fail'],
			limit: 10 * 15 * 1e9,
		});
		const log = messages(result);
		expect(log[0]).toBe('Halt podinfo.apps advancement waiting for approval gate');
		expect(log.slice(log.indexOf(checkPassed))).toEqual([checkPassed, manual, canaryFailed]);
		expect(result.outcome).toBe('Failed');
	});
});

describe('rollback hooks and the threshold', () => {
	it('a manual rollback with failedChecks >= threshold also reports the threshold (§3.9a step 1)', () => {
		const base = podinfo();
		const canary = patch(base, {
			threshold: 1,
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'rollback', type: 'rollback', url: rollbackUrl}],
		});
		const result = run(canary, {webhooks: ['acceptance-test=fail', 'rollback=fail:1']});
		expect(byTick(result, 15)).toEqual([
			[newRevision],
			['Rollback hook rollback not signaling a rollback', starting, `Halt podinfo.apps advancement pre-rollout check acceptance-test failed ${http500()}`],
			// rollback hooks (step 21) come before the threshold check (step 24)
			['Rollback check rollback passed', 'Rolling back podinfo.apps manual webhook invoked', thresholdReached(1), canaryFailed],
		]);
	});

	it('while Waiting a failing rollback hook says "not signaling" on every tick (DESIGN.md §3 fix of Q3, §3.12 table)', () => {
		const result = run(withHooks(['gate', 'confirm-rollout'], ['rollback', 'rollback', rollbackUrl]), {
			webhooks: ['gate=fail', 'rollback=fail'],
			limit: 5 * 15 * 1e9,
		});
		const ticks = byTick(result, 15);
		expect(ticks[0]).toEqual(['Halt podinfo.apps advancement waiting for approval gate']);
		for (const tick of ticks.slice(1)) expect(tick).toEqual(['Rollback hook rollback not signaling a rollback']);
		expect(result.outcome).toBe('timeout');
	});
});

describe('post-rollout hooks', () => {
	it('run before "Promotion completed!"', () => {
		const result = run(withHooks(['notify', 'post-rollout', 'http://notify.apps/']));
		expect(byTick(result, 15).slice(-2)).toEqual([[routingToPrimary], ['Post-rollout check notify passed', completed]]);
	});

	it('a failing post-rollout hook is reported and changes nothing', () => {
		const result = run(withHooks(['notify', 'post-rollout', 'http://notify.apps/']), {webhooks: ['notify=fail']});
		expect(byTick(result, 15).slice(-1)).toEqual([[`Post-rollout hook notify failed ${http500('http://notify.apps/')}`, completed]]);
		expect(recordsOf(result, `Post-rollout hook notify failed ${http500('http://notify.apps/')}`)[0]!.type).toBe('Warning');
		expect(result.outcome).toBe('Succeeded');
	});

	it('run after "Canary failed!" on rollback', () => {
		const canary = withHooks(['notify', 'post-rollout', 'http://notify.apps/']);
		const result = run(canary, {webhooks: ['acceptance-test=fail']});
		expect(byTick(result, 15).slice(-1)).toEqual([[thresholdReached(5), canaryFailed, 'Post-rollout check notify passed']]);
	});
});

describe('event hooks', () => {
	it('a failing event hook only logs: the event list is unchanged', () => {
		const plain = messages(run(podinfo()));
		const result = run(withHooks(['events', 'event', 'http://events.apps/']), {webhooks: ['events=fail']});
		expect(messages(result)).toEqual(plain);
		expect(result.outcome).toBe('Succeeded');
	});
});
