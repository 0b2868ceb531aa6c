// Canary name vs target name in event messages (semantics §4.1 "Argument conventions differ
// per message (canary name vs target name) — preserve them exactly", §4.2 Args column).
// The canary is called `podinfo-release`, its targetRef `podinfo`, namespace `apps`.
import {describe, expect, it} from 'vitest';
import type {Canary} from '../../source/core/spec/types.js';
import {assertValid, byTick, http500, messages, patch, podinfo, run} from './helpers.js';

function renamed(base: Canary): Canary {
	const canary = structuredClone(base);
	canary.metadata.name = 'podinfo-release';
	assertValid(canary);
	return canary;
}

describe('weighted release of canary podinfo-release targeting deployment podinfo', () => {
	it('uses the target name for revision/start/copy/completion and the canary name for Advance', () => {
		const result = run(renamed(podinfo()));
		expect(messages(result)).toEqual([
			'New revision detected! Scaling up podinfo.apps', // target
			'Starting canary analysis for podinfo.apps', // target
			'Pre-rollout check acceptance-test passed',
			...[5, 10, 15, 20, 25, 30, 35, 40, 45, 50].map(w => `Advance podinfo-release.apps canary weight ${w}`), // canary
			'Copying podinfo.apps template spec to podinfo-primary.apps', // target, ns, target-primary, ns
			'Routing all traffic to primary',
			'Promotion completed! Scaling down podinfo.apps', // target
		]);
		expect(new Set(result.records.map(record => record.canary))).toEqual(new Set(['podinfo-release.apps']));
	});

	it('uses the canary name for Halt, threshold rollback and "Canary failed!"; the target for no-data', () => {
		const result = run(renamed(podinfo()), {trace: 'time,request-success-rate,request-duration\n0,100,100\n30,,100\n45,90,100'});
		expect(byTick(result, 15).slice(2)).toEqual([
			['Halt advancement no values found for appmesh:v1beta2 metric request-success-rate probably podinfo.apps is not receiving traffic: running query failed: no values found'],
			['Halt podinfo-release.apps advancement success rate 90.00% < 99%'],
			['Halt podinfo-release.apps advancement success rate 90.00% < 99%'],
			['Halt podinfo-release.apps advancement success rate 90.00% < 99%'],
			['Halt podinfo-release.apps advancement success rate 90.00% < 99%'],
			['Rolling back podinfo-release.apps failed checks threshold reached 5', 'Canary failed! Scaling down podinfo-release.apps'],
		]);
	});

	it('uses the canary name for the confirm-rollout halt', () => {
		const base = renamed(podinfo());
		const canary = patch(base, {
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'gate', type: 'confirm-rollout', url: 'http://flagger-loadtester.apps/gate/check'}],
		});
		expect(byTick(run(canary, {webhooks: ['gate=fail:1']}), 15).slice(0, 2)).toEqual([
			['Halt podinfo-release.apps advancement waiting for approval gate'],
			['Confirm-rollout check gate passed', 'New revision detected! Scaling up podinfo.apps'],
		]);
	});

	it('uses the canary name for hook halts and manual rollback', () => {
		const base = renamed(podinfo());
		const canary = patch(base, {
			webhooks: [
				...base.spec.analysis!.webhooks!,
				{name: 'traffic', type: 'confirm-traffic-increase', url: 'http://flagger-loadtester.apps/gate/check'},
				{name: 'rollback', type: 'rollback', url: 'http://flagger-loadtester.apps/rollback/check'},
			],
		});
		const result = run(canary, {webhooks: ['acceptance-test=fail:1', 'traffic=fail:1', 'load-test=fail:1', 'rollback=fail:5']});
		expect(byTick(result, 15)).toEqual([
			['New revision detected! Scaling up podinfo.apps'],
			[
				'Rollback hook rollback not signaling a rollback',
				'Starting canary analysis for podinfo.apps',
				`Halt podinfo-release.apps advancement pre-rollout check acceptance-test failed ${http500()}`,
			],
			[
				'Rollback hook rollback not signaling a rollback',
				'Starting canary analysis for podinfo.apps',
				'Pre-rollout check acceptance-test passed',
				'Halt podinfo-release.apps advancement waiting for traffic increase approval traffic',
			],
			[
				'Rollback hook rollback not signaling a rollback',
				'Starting canary analysis for podinfo.apps',
				'Pre-rollout check acceptance-test passed',
				'Confirm-traffic-increase check traffic passed',
				'Advance podinfo-release.apps canary weight 5',
			],
			['Rollback hook rollback not signaling a rollback', `Halt podinfo-release.apps advancement external check load-test failed ${http500()}`],
			['Rollback hook rollback not signaling a rollback', 'Confirm-traffic-increase check traffic passed', 'Advance podinfo-release.apps canary weight 10'],
			['Rollback check rollback passed', 'Rolling back podinfo-release.apps manual webhook invoked', 'Canary failed! Scaling down podinfo-release.apps'],
		]);
	});

	it('uses the canary name for promotion approval and primary weight steps', () => {
		const base = renamed(podinfo());
		const canary = patch(base, {
			stepWeightPromotion: 25,
			webhooks: [...base.spec.analysis!.webhooks!, {name: 'promote', type: 'confirm-promotion', url: 'http://flagger-loadtester.apps/gate/check'}],
		});
		const result = run(canary, {webhooks: ['promote=fail:1']});
		expect(messages(result).slice(-7)).toEqual([
			'Advance podinfo-release.apps canary weight 50',
			'Halt podinfo-release.apps advancement waiting for promotion approval promote',
			'Confirm-promotion check promote passed',
			'Copying podinfo.apps template spec to podinfo-primary.apps',
			'Advance podinfo-release.apps primary weight 75',
			'Advance podinfo-release.apps primary weight 100',
			'Promotion completed! Scaling down podinfo.apps',
		]);
	});
});

describe('other strategies', () => {
	it('A/B and Blue/Green iterations use the canary name', () => {
		const ab = messages(run(renamed(patch(podinfo('abtest.yaml'), {iterations: 2}))));
		expect(ab).toContain('Advance podinfo-release.apps canary iteration 1/2');
		expect(ab).toContain('Advance podinfo-release.apps canary iteration 2/2');
		const bg = messages(run(renamed(patch(podinfo(), {stepWeight: undefined, maxWeight: undefined, iterations: 1}))));
		expect(bg.slice(3)).toEqual([
			'Advance podinfo-release.apps canary iteration 1/1',
			'Routing all traffic to canary',
			'Copying podinfo.apps template spec to podinfo-primary.apps',
			'Routing all traffic to primary',
			'Promotion completed! Scaling down podinfo.apps',
		]);
	});

	it('skipAnalysis uses the target name', () => {
		const result = run(renamed(patch(podinfo(), {}, {skipAnalysis: true})));
		expect(messages(result)).toEqual([
			'New revision detected! Scaling up podinfo.apps',
			'Copying podinfo.apps template spec to podinfo-primary.apps',
			'Promotion completed! Canary analysis was skipped for podinfo.apps',
		]);
	});
});
