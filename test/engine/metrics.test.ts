// Metric checks (semantics §4.1 Go formatting, §4.2 Halt messages, §6.1 order, §6.2 provider
// names, §6.6 threshold semantics) and trace reading (DESIGN.md §4).
import {describe, expect, it} from 'vitest';
import type {CanaryMetric} from '../../source/core/spec/types.js';
import {
	byTick,
	canaryFailed,
	completed,
	copying,
	makeCanary,
	messages,
	newRevision,
	patch,
	podinfo,
	routingToPrimary,
	run,
	starting,
	thresholdReached,
	weight,
} from './helpers.js';

const rsr = (range: CanaryMetric['thresholdRange'], extra: Partial<CanaryMetric> = {}): CanaryMetric => ({name: 'request-success-rate', thresholdRange: range, interval: '1m', ...extra});
const rd = (range: CanaryMetric['thresholdRange'], extra: Partial<CanaryMetric> = {}): CanaryMetric => ({name: 'request-duration', thresholdRange: range, interval: '1m', ...extra});
const seedMetrics = [rsr({min: 99}), rd({max: 500})];

/**
 * Interval 1m, stepWeight 50 = maxWeight, threshold 1: t1 starts at weight 50 (no metric
 * checks), t2 is the single analysed tick (promotion or Halt), t3 promotes or rolls back.
 */
function oneCheck(metrics: CanaryMetric[], column: string, value: string, provider = 'appmesh:v1beta2') {
	const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics}, {provider});
	return run(canary, {trace: `time,${column}\n0,${value}`});
}

/** The messages of the analysed tick (t2). */
const analysed = (metrics: CanaryMetric[], column: string, value: string, provider?: string) => byTick(oneCheck(metrics, column, value, provider), 60)[2];

describe('request-duration (milliseconds, truncated; Go time.Duration strings)', () => {
	it('1515 ms against max 500: "1.515s > 500ms", then rollback', () => {
		const result = oneCheck(seedMetrics, 'request-duration', '1515');
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(50)],
			['Halt podinfo.apps advancement request duration 1.515s > 500ms'],
			[thresholdReached(1), canaryFailed],
		]);
		expect(result.outcome).toBe('Failed');
	});

	it('truncates to whole ms: 500.9 passes max 500', () => {
		const result = oneCheck(seedMetrics, 'request-duration', '500.9');
		expect(byTick(result, 60)).toEqual([[newRevision], [starting, weight(50)], [copying], [routingToPrimary], [completed]]);
	});

	it('exactly the max passes; one ms over fails', () => {
		expect(analysed(seedMetrics, 'request-duration', '500')).toEqual([copying]);
		expect(analysed(seedMetrics, 'request-duration', '501')).toEqual(['Halt podinfo.apps advancement request duration 501ms > 500ms']);
	});

	it('+Inf (a p99 beyond the top bucket) halts instead of passing as Flagger would', () => {
		expect(analysed(seedMetrics, 'request-duration', '+Inf')).toEqual(['Halt podinfo.apps advancement request duration +Inf > 500ms']);
	});

	it('1515.7 ms prints as 1.515s', () => {
		expect(analysed(seedMetrics, 'request-duration', '1515.7')).toEqual(['Halt podinfo.apps advancement request duration 1.515s > 500ms']);
	});

	it('a min bound: 50 ms < 100 ms', () => {
		expect(analysed([rd({min: 100, max: 500})], 'request-duration', '50')).toEqual(['Halt podinfo.apps advancement request duration 50ms < 100ms']);
	});

	it('a sub-millisecond value truncates to 0s', () => {
		expect(analysed([rd({min: 1})], 'request-duration', '0.4')).toEqual(['Halt podinfo.apps advancement request duration 0s < 1ms']);
	});

	it('minutes print Go style: 90061.5 ms > 60000 ms is "1m30.061s > 1m0s"', () => {
		expect(analysed([rd({max: 60000})], 'request-duration', '90061.5')).toEqual(['Halt podinfo.apps advancement request duration 1m30.061s > 1m0s']);
	});

	it('whole seconds: 2000 ms > 1500 ms is "2s > 1.5s"', () => {
		expect(analysed([rd({max: 1500})], 'request-duration', '2000')).toEqual(['Halt podinfo.apps advancement request duration 2s > 1.5s']);
	});

	it('hours print Go style: 3723004 ms is "1h2m3.004s"', () => {
		expect(analysed(seedMetrics, 'request-duration', '3723004')).toEqual(['Halt podinfo.apps advancement request duration 1h2m3.004s > 500ms']);
	});

	it('truncates toward zero like Go int64(): -5.5 ms is "-5ms" (< 0s)', () => {
		expect(analysed([rd({min: 0})], 'request-duration', '-5.5')).toEqual(['Halt podinfo.apps advancement request duration -5ms < 0s']);
	});

	it('legacy threshold: fails above it', () => {
		const legacy: CanaryMetric = {name: 'request-duration', threshold: 500, interval: '1m'};
		expect(analysed([legacy], 'request-duration', '600')).toEqual(['Halt podinfo.apps advancement request duration 600ms > 500ms']);
		expect(analysed([legacy], 'request-duration', '500.9')).toEqual([copying]);
	});
});

describe('request-success-rate (%.2f value, %v bound)', () => {
	it('min bound with an integer bound prints "99%"', () => {
		expect(analysed(seedMetrics, 'request-success-rate', '98.5')).toEqual(['Halt podinfo.apps advancement success rate 98.50% < 99%']);
	});

	it('a float bound prints with %v: 99.5 → "99.5%"', () => {
		expect(analysed([rsr({min: 99.5})], 'request-success-rate', '99.25')).toEqual(['Halt podinfo.apps advancement success rate 99.25% < 99.5%']);
	});

	it('max bound', () => {
		expect(analysed([rsr({min: 90, max: 99.5})], 'request-success-rate', '99.9')).toEqual(['Halt podinfo.apps advancement success rate 99.90% > 99.5%']);
	});

	it('the bound itself passes', () => {
		expect(analysed(seedMetrics, 'request-success-rate', '99')).toEqual([copying]);
	});

	it('%.2f rounds exact halves to even like Go (98.125 → 98.12, 96.625 → 96.62, 98.375 → 98.38)', () => {
		expect(analysed(seedMetrics, 'request-success-rate', '98.125')).toEqual(['Halt podinfo.apps advancement success rate 98.12% < 99%']);
		expect(analysed(seedMetrics, 'request-success-rate', '96.625')).toEqual(['Halt podinfo.apps advancement success rate 96.62% < 99%']);
		expect(analysed(seedMetrics, 'request-success-rate', '98.375')).toEqual(['Halt podinfo.apps advancement success rate 98.38% < 99%']);
	});

	it('a value that rounds up to the bound still fails: 98.999999 prints "99.00% < 99%"', () => {
		expect(analysed(seedMetrics, 'request-success-rate', '98.999999')).toEqual(['Halt podinfo.apps advancement success rate 99.00% < 99%']);
	});

	it('+Inf is a number (§6.5) and prints as Go does: "+Inf%"', () => {
		expect(analysed([rsr({min: 99, max: 100})], 'request-success-rate', '+Inf')).toEqual(['Halt podinfo.apps advancement success rate +Inf% > 100%']);
	});

	it('legacy threshold: fails below it, passes above it', () => {
		const legacy: CanaryMetric = {name: 'request-success-rate', threshold: 99, interval: '1m'};
		expect(analysed([legacy], 'request-success-rate', '98')).toEqual(['Halt podinfo.apps advancement success rate 98.00% < 99%']);
		expect(analysed([legacy], 'request-success-rate', '100')).toEqual([copying]);
	});
});

describe('no data (empty cell or NaN)', () => {
	const noRate = (provider: string) =>
		`Halt advancement no values found for ${provider} metric request-success-rate probably podinfo.apps is not receiving traffic: running query failed: no values found`;
	const noDuration = (provider: string) => `Halt advancement no values found for ${provider} metric request-duration probably podinfo.apps is not receiving traffic`;

	it('success rate: names spec.provider, the target and the error', () => {
		const traceCsv = 'time,request-success-rate,request-duration\n0,99.9,120\n30,,120\n45,99.9,120';
		const result = run(podinfo(), {trace: traceCsv});
		const ticks = byTick(result, 15);
		expect(ticks[2]).toEqual([noRate('appmesh:v1beta2')]);
		expect(ticks[3]).toEqual([weight(10)]);
		expect(result.records.find(record => record.message.startsWith('Halt'))!.type).toBe('Warning');
		expect(result.outcome).toBe('Succeeded');
		expect(result.status.failedChecks).toBe(1);
	});

	it('request duration: same text without the error suffix', () => {
		const traceCsv = 'time,request-success-rate,request-duration\n0,99.9,120\n30,99.9,\n45,99.9,120';
		expect(byTick(run(podinfo(), {trace: traceCsv}), 15)[2]).toEqual([noDuration('appmesh:v1beta2')]);
	});

	it('NaN is no data', () => {
		expect(analysed(seedMetrics, 'request-success-rate', 'NaN')).toEqual([noRate('appmesh:v1beta2')]);
	});

	it('the provider name: kubernetes', () => {
		const canary = makeCanary({threshold: 1, iterations: 2, metrics: seedMetrics}, {provider: 'kubernetes'});
		expect(byTick(run(canary, {trace: 'time,request-duration\n0,'}), 60)[2]).toEqual([noDuration('kubernetes')]);
	});

	it('the provider name: the -mesh-provider default istio when spec.provider is unset', () => {
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics: seedMetrics});
		delete canary.spec.provider;
		expect(byTick(run(canary, {trace: 'time,request-success-rate\n0,'}), 60)[2]).toEqual([noRate('istio')]);
	});

	it('the provider name: a global linkerd mesh provider wins over spec.provider (§6.2)', () => {
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics: seedMetrics});
		expect(byTick(run(canary, {trace: 'time,request-success-rate\n0,', meshProvider: 'linkerd'}), 60)[2]).toEqual([noRate('linkerd')]);
	});

	it('the provider name: ":service" is appended for a Service target (§6.2)', () => {
		const canary = makeCanary(
			{threshold: 1, stepWeight: 50, maxWeight: 50, metrics: seedMetrics},
			{provider: 'istio', targetRef: {apiVersion: 'v1', kind: 'Service', name: 'podinfo'}},
		);
		expect(byTick(run(canary, {trace: 'time,request-success-rate\n0,'}), 60)[2]).toEqual([noRate('istio:service')]);
	});
});

describe('inline query metrics', () => {
	const query = (name: string, extra: Partial<CanaryMetric>): CanaryMetric => ({name, query: 'sum(rate(http_errors_total[1m]))', interval: '1m', ...extra});

	it('max bound: "<name> %.2f > %v"', () => {
		expect(analysed([query('error-rate', {thresholdRange: {max: 5}})], 'error-rate', '7.5')).toEqual(['Halt podinfo.apps advancement error-rate 7.50 > 5']);
	});

	it('min bound: "<name> %.2f < %v"', () => {
		expect(analysed([query('throughput', {thresholdRange: {min: 1}})], 'throughput', '0.25')).toEqual(['Halt podinfo.apps advancement throughput 0.25 < 1']);
	});

	it('a float bound: 0.5', () => {
		expect(analysed([query('ratio', {thresholdRange: {max: 0.5}})], 'ratio', '0.75')).toEqual(['Halt podinfo.apps advancement ratio 0.75 > 0.5']);
	});

	it('a large bound prints in exponent form like Go %v: 1e+06', () => {
		expect(analysed([query('errors', {thresholdRange: {max: 1000000}})], 'errors', '2000000')).toEqual(['Halt podinfo.apps advancement errors 2000000.00 > 1e+06']);
	});

	it('small bounds print in exponent form like Go %v: 1e-05', () => {
		expect(analysed([query('tiny', {thresholdRange: {max: 0.00001}})], 'tiny', '0.5')).toEqual(['Halt podinfo.apps advancement tiny 0.50 > 1e-05']);
	});

	it('%v keeps the shortest digits: 1234567 → 1.234567e+06, 123456.5 → 123456.5', () => {
		expect(analysed([query('big', {thresholdRange: {max: 1234567}})], 'big', '2000000')).toEqual(['Halt podinfo.apps advancement big 2000000.00 > 1.234567e+06']);
		expect(analysed([query('mid', {thresholdRange: {max: 123456.5}})], 'mid', '200000')).toEqual(['Halt podinfo.apps advancement mid 200000.00 > 123456.5']);
	});

	it('without thresholdRange or threshold the bound is 0: any positive value fails, 0 passes (§6.6)', () => {
		expect(analysed([query('errors', {})], 'errors', '0.5')).toEqual(['Halt podinfo.apps advancement errors 0.50 > 0']);
		expect(analysed([query('errors', {})], 'errors', '0')).toEqual([copying]);
	});

	it('%.2f never switches to exponent form (unlike JS toFixed above 1e21)', () => {
		expect(analysed([query('errors', {thresholdRange: {max: 1}})], 'errors', '1e21')).toEqual(['Halt podinfo.apps advancement errors 1000000000000000000000.00 > 1']);
	});

	it('legacy threshold: fails above it', () => {
		expect(analysed([query('error-count', {threshold: 5})], 'error-count', '7')).toEqual(['Halt podinfo.apps advancement error-count 7.00 > 5']);
		expect(analysed([query('error-count', {threshold: 5})], 'error-count', '5')).toEqual([copying]);
	});

	it('no data: "no values found for metric: <name>"', () => {
		expect(analysed([query('error-rate', {thresholdRange: {max: 5}})], 'error-rate', '')).toEqual(['Halt advancement no values found for metric: error-rate']);
	});

	it('within bounds passes', () => {
		expect(analysed([query('error-rate', {thresholdRange: {min: 1, max: 5}})], 'error-rate', '3')).toEqual([copying]);
	});
});

describe('templateRef metrics (values from the trace column of the metric name)', () => {
	const template = (extra: Partial<CanaryMetric>): CanaryMetric => ({name: 'latency', templateRef: {name: 'latency-p99'}, interval: '1m', ...extra});

	it('max bound: "<name> %.2f > %v"', () => {
		expect(analysed([template({thresholdRange: {max: 1}})], 'latency', '2')).toEqual(['Halt podinfo.apps advancement latency 2.00 > 1']);
	});

	it('min bound: "<name> %.2f < %v"', () => {
		expect(analysed([template({thresholdRange: {min: 1.5}})], 'latency', '0.125')).toEqual(['Halt podinfo.apps advancement latency 0.12 < 1.5']);
	});

	it('legacy threshold: fails above it', () => {
		expect(analysed([template({threshold: 3})], 'latency', '3.5')).toEqual(['Halt podinfo.apps advancement latency 3.50 > 3']);
	});

	it('no data: "no values found for custom metric: <name>: <err>"', () => {
		expect(analysed([template({thresholdRange: {max: 1}})], 'latency', '')).toEqual(['Halt advancement no values found for custom metric: latency: no values found']);
	});
});

describe('order of checks (§6.1): the first failure ends the tick', () => {
	const both = 'time,request-success-rate,request-duration\n0,90,900';

	it('spec order decides between builtin metrics: duration listed first', () => {
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics: [rd({max: 500}), rsr({min: 99})]});
		expect(byTick(run(canary, {trace: both}), 60)[2]).toEqual(['Halt podinfo.apps advancement request duration 900ms > 500ms']);
	});

	it('spec order decides between builtin metrics: success rate listed first', () => {
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics: [rsr({min: 99}), rd({max: 500})]});
		expect(byTick(run(canary, {trace: both}), 60)[2]).toEqual(['Halt podinfo.apps advancement success rate 90.00% < 99%']);
	});

	it('inline queries are checked in spec order with the builtins', () => {
		const metrics: CanaryMetric[] = [
			{name: 'error-rate', query: 'sum(rate(x[1m]))', thresholdRange: {max: 1}},
			rsr({min: 99}),
		];
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics});
		expect(byTick(run(canary, {trace: 'time,request-success-rate,error-rate\n0,90,2'}), 60)[2]).toEqual(['Halt podinfo.apps advancement error-rate 2.00 > 1']);
	});

	it('templateRef metrics come after the builtin ones whatever the spec order', () => {
		const metrics: CanaryMetric[] = [{name: 'latency', templateRef: {name: 'latency'}, thresholdRange: {max: 1}, interval: '1m'}, rsr({min: 99})];
		const canary = makeCanary({threshold: 1, stepWeight: 50, maxWeight: 50, metrics});
		expect(byTick(run(canary, {trace: 'time,request-success-rate,latency\n0,90,2'}), 60)[2]).toEqual(['Halt podinfo.apps advancement success rate 90.00% < 99%']);
	});

	it('at most one failed check per tick: two failing metrics need two ticks to reach threshold 2', () => {
		const canary = makeCanary({threshold: 2, stepWeight: 50, maxWeight: 50, metrics: seedMetrics});
		const result = run(canary, {trace: both});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(50)],
			['Halt podinfo.apps advancement success rate 90.00% < 99%'],
			['Halt podinfo.apps advancement success rate 90.00% < 99%'],
			[thresholdReached(2), canaryFailed],
		]);
	});
});

describe('the start tick (§3.1 step 26)', () => {
	it('runs pre-rollout hooks instead of metric checks: failing metrics first halt on the next tick', () => {
		const result = run(podinfo(), {trace: 'time,request-success-rate\n0,50'});
		expect(byTick(result, 15).slice(0, 3)).toEqual([
			[newRevision],
			[starting, 'Pre-rollout check acceptance-test passed', weight(5)],
			['Halt podinfo.apps advancement success rate 50.00% < 99%'],
		]);
	});
});

describe('traces (DESIGN.md §4)', () => {
	const canary = () => makeCanary({threshold: 1, stepWeight: 25, maxWeight: 100, metrics: seedMetrics});

	it('a tick reads the last row at or before its time (Go durations and seconds)', () => {
		// t2 = 120s still reads the 0s row; t3 = 180s reads the 2m30s row.
		const result = run(canary(), {trace: 'time,request-success-rate\n0,100\n2m30s,97\n1000,100'});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(25)],
			[weight(50)],
			['Halt podinfo.apps advancement success rate 97.00% < 99%'],
			[thresholdReached(1), canaryFailed],
		]);
	});

	it('a row exactly at the tick time is read by that tick', () => {
		const result = run(canary(), {trace: 'time,request-success-rate\n0,100\n120,97'});
		expect(byTick(result, 60)[2]).toEqual(['Halt podinfo.apps advancement success rate 97.00% < 99%']);
	});

	it('rows may come in any order', () => {
		const result = run(canary(), {trace: 'time,request-success-rate\n2m,97\n0,100'});
		expect(byTick(result, 60)[2]).toEqual(['Halt podinfo.apps advancement success rate 97.00% < 99%']);
	});

	it('a metric without a column is healthy', () => {
		const result = run(canary(), {trace: 'time,request-duration\n0,100'});
		expect(result.outcome).toBe('Succeeded');
		expect(messages(result).some(message => message.startsWith('Halt'))).toBe(false);
	});

	it('a column that is not a metric of the canary is ignored', () => {
		const result = run(canary(), {trace: 'time,something-else\n0,1'});
		expect(result.outcome).toBe('Succeeded');
	});

	it('the seed canary without a trace is healthy', () => {
		expect(run(patch(podinfo(), {})).outcome).toBe('Succeeded');
	});
});
