// Generators of valid canaries (every strategy, threshold, weights, metrics, webhooks with
// scripted answers) and metric traces, for the engine fuzz tests.
import fc from 'fast-check';
import type {Canary, CanaryAnalysis, CanaryMetric, CanaryWebhook, HookType} from '../../source/core/spec/types.js';

const hookTypes: HookType[] = ['', 'confirm-rollout', 'pre-rollout', 'rollout', 'confirm-promotion', 'post-rollout', 'event', 'rollback', 'confirm-traffic-increase'];
export const intervals = {'10s': 10, '15s': 15, '30s': 30, '1m': 60} as const;

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

/** A trace CSV for the two builtin metrics (empty cells are "no data"), or none. */
export const traceCsv: fc.Arbitrary<string | undefined> = fc.option(
	fc
		.record({
			step: fc.integer({min: 5, max: 120}),
			rows: fc.array(fc.tuple(cell(fc.double({min: 90, max: 100, noNaN: true})), cell(fc.double({min: 0, max: 1000, noNaN: true}))), {maxLength: 25}),
		})
		.map(({step, rows}) => ['time,request-success-rate,request-duration', ...rows.map(([rate, duration], i) => `${i * step},${rate},${duration}`)].join('\n')),
	{nil: undefined},
);

export type Hook = {hook: CanaryWebhook; script?: string};
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

export const scenario = fc.record({
	strategy,
	threshold: fc.integer({min: -2, max: 10}),
	maxWeight: fc.option(fc.integer({min: 0, max: 100}), {nil: undefined}),
	stepWeightPromotion: fc.option(fc.integer({min: 0, max: 100}), {nil: undefined}),
	interval: fc.constantFrom(...(Object.keys(intervals) as Array<keyof typeof intervals>)),
	provider: fc.constantFrom('appmesh:v1beta2', 'istio', 'kubernetes', 'linkerd', 'gatewayapi:v1'),
	mirror: fc.boolean(),
	skipAnalysis: fc.integer({min: 0, max: 9}).map(n => n === 0),
	metrics: metric,
	hooks,
	trace: traceCsv,
});

export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Flagger's effective threshold: values below 1 mean 1 (semantics §1.3). */
export const effectiveThreshold = (s: Scenario) => (s.threshold <= 0 ? 1 : s.threshold);

export function buildCanary(s: Scenario): Canary {
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
			service: {port: 9898, ...(s.provider.startsWith('gatewayapi') ? {gatewayRefs: [{name: 'gw', namespace: 'apps'}]} : {})},
			...(s.skipAnalysis ? {skipAnalysis: true} : {}),
			analysis,
		},
	};
}
