// skipAnalysis (semantics §3.1 step 20, §3.11) and suspend (§1.1, §3.1 step 2).
import {describe, expect, it} from 'vitest';
import type {CanaryWebhook} from '../../source/core/spec/types.js';
import {byTick, copying, messages, newRevision, patch, podinfo, run, second, starting, weight} from './helpers.js';

const skipped = 'Promotion completed! Canary analysis was skipped for podinfo.apps';
const suspended = 'skipping canary run as object is suspended';

const skipping = (extraHooks: CanaryWebhook[] = []) => {
	const base = podinfo();
	return patch(base, {webhooks: [...base.spec.analysis!.webhooks!, ...extraHooks]}, {skipAnalysis: true});
};

describe('skipAnalysis', () => {
	it('promotes on the first tick after Progressing', () => {
		const result = run(skipping());
		expect(byTick(result, 15)).toEqual([[newRevision], ['Copying podinfo.apps template spec to podinfo-primary.apps', skipped]]);
		expect(copying).toBe('Copying podinfo.apps template spec to podinfo-primary.apps');
		expect(result.outcome).toBe('Succeeded');
		expect(result.ticks).toBe(2);
		expect(result.elapsed).toBe(15 * second);
		expect(result.status).toMatchObject({phase: 'Succeeded', canaryWeight: 0});
	});

	it('ignores failing metrics, pre-rollout and rollout hooks (no analysis runs)', () => {
		const result = run(skipping(), {
			trace: 'time,request-success-rate,request-duration\n0,10,5000',
			webhooks: ['acceptance-test=fail', 'load-test=fail'],
		});
		expect(messages(result)).toEqual([newRevision, copying, skipped]);
	});

	it('runs post-rollout hooks before the completion event', () => {
		const result = run(skipping([{name: 'notify', type: 'post-rollout', url: 'http://notify.apps/'}]));
		expect(messages(result)).toEqual([newRevision, copying, 'Post-rollout check notify passed', skipped]);
	});

	it('a failing post-rollout hook is reported and the canary still succeeds', () => {
		const result = run(skipping([{name: 'notify', type: 'post-rollout', url: 'http://notify.apps/'}]), {webhooks: ['notify=fail']});
		expect(messages(result)).toEqual([
			newRevision,
			copying,
			'Post-rollout hook notify failed POST http://notify.apps/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error',
			skipped,
		]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('is evaluated before rollback hooks', () => {
		const result = run(skipping([{name: 'rollback', type: 'rollback', url: 'http://flagger-loadtester.apps/rollback/check'}]));
		expect(messages(result)).toEqual([newRevision, copying, skipped]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('still waits for confirm-rollout gates', () => {
		const result = run(skipping([{name: 'gate', type: 'confirm-rollout', url: 'http://flagger-loadtester.apps/gate/check'}]), {webhooks: ['gate=fail:1']});
		expect(byTick(result, 15)).toEqual([
			['Halt podinfo.apps advancement waiting for approval gate'],
			['Confirm-rollout check gate passed', newRevision],
			[copying, skipped],
		]);
	});
});

describe('analysis absent or under its deprecated name (§1.1)', () => {
	it('a canary without analysis skips it (not valid under the CRD; Flagger reads nil analysis as skip), ticking every 60s', () => {
		const canary = structuredClone(podinfo());
		delete canary.spec.analysis;
		const result = run(canary);
		expect(byTick(result, 60)).toEqual([[newRevision], [copying, skipped]]);
		expect(result.outcome).toBe('Succeeded');
	});

	it('the deprecated canaryAnalysis is read when analysis is absent', () => {
		const canary = structuredClone(podinfo());
		canary.spec.canaryAnalysis = {...canary.spec.analysis!, stepWeight: 25};
		delete canary.spec.analysis;
		const result = run(canary, {limit: 8 * 15 * second});
		expect(byTick(result, 15).slice(0, 5)).toEqual([
			[newRevision],
			[starting, 'Pre-rollout check acceptance-test passed', weight(25)],
			[weight(50)],
			[copying],
			expect.anything(), // Promoting: Flagger itself dereferences spec.analysis here (quirk Q10)
		]);
	});
});

describe('suspend', () => {
	it('skips every tick with a Normal event and never finishes', () => {
		const result = run(patch(podinfo(), {}, {suspend: true}), {limit: 10 * 15 * second});
		expect(result.outcome).toBe('timeout');
		expect(result.ticks).toBeGreaterThan(5);
		expect(byTick(result, 15)).toEqual(Array.from({length: result.ticks}, () => [suspended]));
		expect(result.records.every(record => record.type === 'Normal')).toBe(true);
		expect(result.status.phase).toBe('Initialized');
	});

	it('wins over skipAnalysis', () => {
		const result = run(patch(podinfo(), {}, {suspend: true, skipAnalysis: true}), {limit: 4 * 15 * second});
		expect(result.outcome).toBe('timeout');
		expect(new Set(messages(result))).toEqual(new Set([suspended]));
	});

	it('reaches the 24h default limit', () => {
		const result = run(patch(podinfo(), {}, {suspend: true}));
		expect(result.outcome).toBe('timeout');
		expect(result.elapsed).toBeGreaterThanOrEqual(24 * 3600 * second - 15 * second);
		expect(messages(result).length).toBe(result.ticks);
	});
});
