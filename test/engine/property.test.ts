// Property tests over generated valid canaries, traces and webhook scripts: whatever the
// spec, the simulator terminates cleanly and keeps Flagger's invariants (semantics §1.3
// threshold default, §1.4 failedChecks, §3.1 step 24, §3.5 total weight 100).
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {validateCanary} from '../../source/core/spec/canary-validate.js';
import type {Canary, CanaryAnalysis, CanaryMetric, CanaryWebhook, HookType} from '../../source/core/spec/types.js';
import {simulate, type SimulationResult} from '../../source/simulate/simulate.js';
import {parseTrace} from '../../source/simulate/trace.js';
import {parseWebhookFlags} from '../../source/simulate/webhook-script.js';
import {second} from './helpers.js';

const hookTypes: HookType[] = ['', 'confirm-rollout', 'pre-rollout', 'rollout', 'confirm-promotion', 'post-rollout', 'event', 'rollback', 'confirm-traffic-increase'];
const intervals = {'10s': 10, '15s': 15, '30s': 30, '1m': 60} as const;
const maxTicks = 150;

const strategy: fc.Arbitrary<Partial<CanaryAnalysis>> = fc.oneof(
	fc.record({stepWeight: fc.integer({min: 1, max: 100})}),
	fc
		.record({steps: fc.uniqueArray(fc.integer({min: 1, max: 100}), {minLength: 1, maxLength: 6}), sorted: fc.boolean()})
		.map(({steps, sorted}) => ({stepWeights: sorted ? [...steps].sort((a, b) => a - b) : steps})),
	fc.record({iterations: fc.integer({min: 1, max: 10}), match: fc.boolean()}).map(({iterations, match}) => ({
		iterations,
		...(match ? {match: [{headers: {'user-agent': {regex: '.*(Firefox|curl).*'}}}]} : {}),
	})),
);

const metric: fc.Arbitrary<CanaryMetric[]> = fc
	.record({
		rate: fc.option(
			fc.oneof(
				fc.double({min: 90, max: 100, noNaN: true}).map(min => ({thresholdRange: {min}})),
				fc.integer({min: 90, max: 100}).map(threshold => ({threshold})),
			),
			{nil: undefined},
		),
		duration: fc.option(
			fc.oneof(
				fc.integer({min: 0, max: 1000}).map(max => ({thresholdRange: {max}})),
				fc.integer({min: 0, max: 1000}).map(threshold => ({threshold})),
			),
			{nil: undefined},
		),
		durationFirst: fc.boolean(),
	})
	.map(({rate, duration, durationFirst}) => {
		const list: CanaryMetric[] = [];
		if (rate) list.push({name: 'request-success-rate', interval: '1m', ...rate});
		if (duration) list.push({name: 'request-duration', interval: '1m', ...duration});
		return durationFirst ? list.reverse() : list;
	});

const cell = (value: fc.Arbitrary<number>) => fc.option(value, {nil: undefined, freq: 4}).map(v => (v === undefined ? '' : String(v)));

const traceCsv: fc.Arbitrary<string | undefined> = fc.option(
	fc
		.record({
			step: fc.integer({min: 5, max: 120}),
			rows: fc.array(fc.tuple(cell(fc.double({min: 90, max: 100, noNaN: true})), cell(fc.double({min: 0, max: 1000, noNaN: true}))), {maxLength: 25}),
		})
		.map(({step, rows}) => ['time,request-success-rate,request-duration', ...rows.map(([rate, duration], i) => `${i * step},${rate},${duration}`)].join('\n')),
	{nil: undefined},
);

type Hook = {hook: CanaryWebhook; script?: string};
const hooks: fc.Arbitrary<Hook[]> = fc.uniqueArray(
	fc.record({
		name: fc.constantFrom('alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'),
		type: fc.constantFrom(...hookTypes),
		retries: fc.option(fc.integer({min: 0, max: 3}), {nil: undefined}),
		script: fc.option(fc.oneof(fc.constant('pass'), fc.constant('fail'), fc.integer({min: 0, max: 6}).map(n => `fail:${n}`)), {nil: undefined}),
	}),
	{selector: hook => hook.name, maxLength: 5},
).map(list =>
	list.map(({name, type, retries, script}) => ({
		hook: {name, type, url: `http://${name}.apps/`, ...(retries === undefined ? {} : {retries})},
		script: script === undefined ? undefined : `${name}=${script}`,
	})),
);

const scenario = fc.record({
	strategy,
	threshold: fc.integer({min: -2, max: 10}),
	maxWeight: fc.option(fc.integer({min: 0, max: 100}), {nil: undefined}),
	stepWeightPromotion: fc.option(fc.integer({min: 0, max: 100}), {nil: undefined}),
	interval: fc.constantFrom(...(Object.keys(intervals) as Array<keyof typeof intervals>)),
	provider: fc.constantFrom('appmesh:v1beta2', 'istio', 'kubernetes', 'linkerd'),
	mirror: fc.boolean(),
	skipAnalysis: fc.integer({min: 0, max: 9}).map(n => n === 0),
	metrics: metric,
	hooks,
	trace: traceCsv,
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario): Canary {
	const analysis: CanaryAnalysis = {
		interval: s.interval,
		threshold: s.threshold,
		...s.strategy,
		...(s.maxWeight === undefined ? {} : {maxWeight: s.maxWeight}),
		...(s.stepWeightPromotion === undefined ? {} : {stepWeightPromotion: s.stepWeightPromotion}),
		...(s.mirror && s.provider === 'istio' ? {mirror: true} : {}),
		metrics: s.metrics,
		webhooks: s.hooks.map(h => h.hook),
	};
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {
			provider: s.provider,
			targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
			service: {port: 9898},
			...(s.skipAnalysis ? {skipAnalysis: true} : {}),
			analysis,
		},
	};
}

function simulateScenario(s: Scenario): {canary: Canary; result: SimulationResult; threshold: number} {
	const canary = build(s);
	expect(validateCanary(canary)).toEqual([]);
	const parsedTrace = s.trace === undefined ? undefined : parseTrace(s.trace, 'trace.csv');
	expect(parsedTrace?.errors ?? []).toEqual([]);
	const script = parseWebhookFlags(s.hooks.flatMap(h => (h.script ? [h.script] : [])), canary.spec.analysis!.webhooks!);
	expect(script.errors).toEqual([]);
	const result = simulate(canary, {trace: parsedTrace?.trace, webhooks: script.script, limit: maxTicks * intervals[s.interval] * second});
	return {canary, result, threshold: s.threshold <= 0 ? 1 : s.threshold};
}

describe('simulate over generated specs', () => {
	it('terminates cleanly and keeps weights, failedChecks and outcomes consistent', () => {
		fc.assert(
			fc.property(scenario, s => {
				const {result, threshold} = simulateScenario(s);
				expect(['Succeeded', 'Failed', 'timeout']).toContain(result.outcome);
				for (const record of result.records) {
					expect(record.weight).toBeGreaterThanOrEqual(0);
					expect(record.weight).toBeLessThanOrEqual(100);
					expect(record.failedChecks).toBeLessThanOrEqual(threshold + 1);
					expect(record.canary).toBe('podinfo.apps');
				}
				expect(result.status.canaryWeight).toBeGreaterThanOrEqual(0);
				expect(result.status.canaryWeight).toBeLessThanOrEqual(100);
				if (result.outcome === 'Succeeded') {
					for (const record of result.records) expect(record.failedChecks).toBeLessThan(threshold);
				}
			}),
			{numRuns: 500},
		);
	});

	it('never lets failedChecks pass the threshold (the check precedes every analysis, §3.1 step 24)', () => {
		fc.assert(
			fc.property(scenario, s => {
				const {result, threshold} = simulateScenario(s);
				for (const record of result.records) expect(record.failedChecks).toBeLessThanOrEqual(threshold);
			}),
			{numRuns: 200},
		);
	});

	it('ends each outcome with its terminal events, on a monotonic clock', () => {
		fc.assert(
			fc.property(scenario, s => {
				const {result} = simulateScenario(s);
				const log = result.records.map(record => record.message);
				if (result.outcome === 'Succeeded') {
					expect(result.status.phase).toBe('Succeeded');
					expect(log.some(message => message.startsWith('Promotion completed!'))).toBe(true);
				}
				if (result.outcome === 'Failed') {
					expect(result.status.phase).toBe('Failed');
					expect(log).toContain('Canary failed! Scaling down podinfo.apps');
					expect(result.status.failedChecks).toBe(0);
				}
				if (result.outcome === 'timeout') expect(['Failed', 'Succeeded']).not.toContain(result.status.phase);
				for (let i = 1; i < result.records.length; i++) expect(result.records[i]!.time).toBeGreaterThanOrEqual(result.records[i - 1]!.time);
			}),
			{numRuns: 200},
		);
	});
});
