// Failed-checks threshold (semantics §1.3 threshold, §1.4 failedChecks, §3.1 step 24, Q1):
// cumulative not consecutive, rollback on the tick after the threshold-th failure, <= 0 → 1.
import {describe, expect, it} from 'vitest';
import type {Canary} from '../../source/core/spec/types.js';
import {byTick, canaryFailed, completed, copying, makeCanary, newRevision, recordsOf, routingToPrimary, run, starting, thresholdReached, weight} from './helpers.js';

const successRate = [{name: 'request-success-rate', thresholdRange: {min: 99}, interval: '1m'}];
const halt = (value: string) => `Halt podinfo.apps advancement success rate ${value}% < 99%`;

describe('failedChecks is cumulative, not consecutive', () => {
	// interval 1m: t3 dips, t4 recovers, t5 dips again, t6 healthy.
	const traceCsv = 'time,request-success-rate\n0,100\n3m,95.5\n4m,100\n5m,96.25\n6m,100';

	it('rolls back after a dip, a recovery and another dip (threshold 2)', () => {
		const canary = makeCanary({threshold: 2, stepWeight: 10, maxWeight: 50, metrics: successRate});
		const result = run(canary, {trace: traceCsv});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(10)],
			[weight(20)],
			[halt('95.50')],
			[weight(30)], // a passing tick does not reset the count
			[halt('96.25')],
			[thresholdReached(2), canaryFailed], // healthy metrics at t6 do not matter: the check comes first
		]);
		expect(recordsOf(result, weight(30))[0]).toMatchObject({failedChecks: 1});
		expect(recordsOf(result, halt('96.25'))[0]).toMatchObject({failedChecks: 1});
		expect(recordsOf(result, thresholdReached(2))[0]).toMatchObject({failedChecks: 2});
		expect(result.outcome).toBe('Failed');
		expect(result.status).toMatchObject({phase: 'Failed', failedChecks: 0, canaryWeight: 0});
	});

	it('promotes with two scattered failures under threshold 3', () => {
		const canary = makeCanary({threshold: 3, stepWeight: 10, maxWeight: 50, metrics: successRate});
		const result = run(canary, {trace: traceCsv});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(10)],
			[weight(20)],
			[halt('95.50')],
			[weight(30)],
			[halt('96.25')],
			[weight(40)],
			[weight(50)],
			[copying],
			[routingToPrimary],
			[completed],
		]);
		expect(result.outcome).toBe('Succeeded');
		expect(result.status.failedChecks).toBe(2);
	});
});

describe('threshold defaults (GetAnalysisThreshold: <= 0 → 1)', () => {
	const failingAt2 = 'time,request-success-rate\n0,100\n2m,50';
	const expected = [[newRevision], [starting, weight(50)], [halt('50.00')], [thresholdReached(1), canaryFailed]];
	const base = (threshold: number) => makeCanary({threshold, stepWeight: 50, maxWeight: 50, metrics: successRate});

	it('threshold 0 rolls back after the first failure', () => {
		expect(byTick(run(base(0), {trace: failingAt2}), 60)).toEqual(expected);
	});

	it('a negative threshold rolls back after the first failure', () => {
		expect(byTick(run(base(-3), {trace: failingAt2}), 60)).toEqual(expected);
	});

	it('a missing threshold (not valid under the CRD, but Flagger reads it as 0) rolls back after the first failure', () => {
		const canary: Canary = structuredClone(base(5));
		delete canary.spec.analysis!.threshold;
		expect(byTick(run(canary, {trace: failingAt2}), 60)).toEqual(expected);
	});

	it('threshold 1 behaves the same', () => {
		expect(byTick(run(base(1), {trace: failingAt2}), 60)).toEqual(expected);
	});
});

describe('rollback timing', () => {
	it('the threshold-th failure itself does not roll back; the next tick does', () => {
		const canary = makeCanary({threshold: 3, stepWeight: 10, maxWeight: 100, metrics: successRate});
		const result = run(canary, {trace: 'time,request-success-rate\n0,100\n2m,90'});
		expect(byTick(result, 60)).toEqual([
			[newRevision],
			[starting, weight(10)],
			[halt('90.00')],
			[halt('90.00')],
			[halt('90.00')],
			[thresholdReached(3), canaryFailed],
		]);
		expect(result.elapsed).toBe(5 * 60 * 1e9);
	});
});
