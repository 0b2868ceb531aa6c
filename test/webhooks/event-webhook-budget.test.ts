// The webhook time budget of one tick: the slowest tick's hooks (timeouts × attempts plus
// retry backoff) against the analysis interval, said once per Canary spec generation.
import {describe, expect, it} from 'vitest';
import {ManualClock} from '../../source/clock.js';
import {hookCost, webhookBudget, webhookBudgetWarning} from '../../source/core/engine/webhook-budget.js';
import type {Canary, CanaryWebhook} from '../../source/core/spec/types.js';
import {EventLog, recordedEvent} from '../../source/events/event-log.js';
import {WebhookBudgetWarnings} from '../../source/webhooks/budget-warnings.js';

const s = 1_000_000_000;

function canary(webhooks: CanaryWebhook[], interval = '1m', generation = 1): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps', generation},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval, stepWeight: 10, webhooks}},
		status: {phase: 'Progressing', failedChecks: 0, canaryWeight: 0, iterations: 0, lastAppliedSpec: 'a', lastPromotedSpec: 'b', lastTransitionTime: ''},
	} as Canary;
}

const hook = (name: string, type: CanaryWebhook['type'], timeout?: string, retries?: number): CanaryWebhook => ({name, type, url: `http://hooks/${name}`, timeout, retries});

describe('webhook time budget', () => {
	it('one hook: every attempt times out, with 1s, 2s, 4s … backoff between (at most 30s)', () => {
		expect(hookCost(hook('a', 'rollout'))).toMatchObject({attempts: 1, timeout: 10 * s, backoff: 0, total: 10 * s});
		expect(hookCost(hook('b', 'rollout', '30s', 2))).toMatchObject({attempts: 3, timeout: 30 * s, backoff: 3 * s, total: 93 * s});
		expect(hookCost(hook('c', 'rollout', '1s', 7)).backoff).toBe((1 + 2 + 4 + 8 + 16 + 30 + 30) * s);
	});

	it('sums the hooks one tick can call together, and takes the slowest tick', () => {
		const budget = webhookBudget(
			canary([
				hook('rollback-gate', 'rollback', '5s'),
				hook('acceptance', 'pre-rollout', '20s'),
				hook('load', '', '15s'),
				hook('traffic-gate', 'confirm-traffic-increase', '5s'),
				hook('promotion-gate', 'confirm-promotion', '5s'),
				hook('cleanup', 'post-rollout', '50s'),
				hook('chat', 'event', '10m'),
			]),
		);
		// First analysis tick 5+20+5+5 = 35s, later ones 5+15+5+5 = 30s, a rollback tick 5+50 = 55s.
		expect(budget.worst).toBe(55 * s);
		expect(budget.hooks.map(h => h.name)).toEqual(['rollback-gate', 'cleanup']);
		expect(budget.interval).toBe(60 * s);
	});

	it('event hooks never count: they are sent in the background', () => {
		expect(webhookBudget(canary([hook('chat', 'event', '10m', 5)])).worst).toBe(0);
	});

	it('warns naming the hooks and the sum against the interval, and only when over', () => {
		const slow = canary([hook('acceptance-test', 'pre-rollout', '30s'), hook('load-test', 'rollout', '30s', 2), hook('gate', 'confirm-traffic-increase')], '30s');
		expect(webhookBudgetWarning(slow)).toBe(
			'Webhooks of podinfo.apps can take 1m43s in one tick, more than the analysis interval 30s: load-test 1m33s (3 attempts of 30s + 3s backoff) + gate 10s',
		);
		expect(webhookBudgetWarning(canary([hook('acceptance-test', 'pre-rollout', '30s')], '30s'))).toBeUndefined();
		// Flagger's 10s floor on the interval applies.
		expect(webhookBudgetWarning(canary([hook('gate', 'confirm-rollout', '9s')], '5s'))).toBeUndefined();
	});
});

describe('the budget warning in the event stream', () => {
	it('follows the first event of each spec generation, once, wherever events go', () => {
		const clock = new ManualClock();
		const log = new EventLog();
		const sink = new WebhookBudgetWarnings(log, clock);
		const slow = canary([hook('acceptance-test', 'pre-rollout', '30s')], '15s');
		const record = (subject: Canary, message: string) => sink.record(subject, recordedEvent(subject, {op: 'event', type: 'Normal', error: false, message, phase: 'Progressing'}, clock.now()));
		record(slow, 'Initialization done! podinfo.apps');
		record(slow, 'New revision detected! Scaling up podinfo.apps');
		record(slow, 'Starting canary analysis for podinfo.apps');
		const warning = 'Webhooks of podinfo.apps can take 30s in one tick, more than the analysis interval 15s: acceptance-test 30s';
		expect(log.events('podinfo.apps').map(e => [e.type, e.message])).toEqual([
			['Normal', 'Initialization done! podinfo.apps'],
			['Warning', warning],
			['Normal', 'New revision detected! Scaling up podinfo.apps'],
			['Normal', 'Starting canary analysis for podinfo.apps'],
		]);
		// A new generation that still does not fit: said again; one that fits: silence.
		record(canary([hook('acceptance-test', 'pre-rollout', '30s')], '20s', 2), 'Advance podinfo.apps canary weight 10');
		record(canary([hook('acceptance-test', 'pre-rollout', '10s')], '20s', 3), 'Advance podinfo.apps canary weight 20');
		const messages = log.events('podinfo.apps').map(e => e.message);
		expect(messages.filter(m => m.startsWith('Webhooks of'))).toEqual([warning, 'Webhooks of podinfo.apps can take 30s in one tick, more than the analysis interval 20s: acceptance-test 30s']);
	});
});
