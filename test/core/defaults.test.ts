import {describe, expect, it} from 'vitest';
import {
	analysisInterval,
	analysisThreshold,
	builtinMetricInterval,
	deploymentStrategy,
	maxWeight,
	metricInterval,
	nextStepWeight,
	progressDeadlineSeconds,
	primaryReadyThreshold,
	canaryReadyThreshold,
	skipAnalysis,
	webhookTimeout,
} from '../../source/core/spec/defaults.js';
import type {Canary, CanaryAnalysis} from '../../source/core/spec/types.js';

const s = 1_000_000_000;

function canary(analysis: CanaryAnalysis | undefined, extra: Partial<Canary['spec']> = {}): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis, ...extra},
	};
}

describe('Flagger defaults', () => {
	it.each([
		[undefined, 60 * s],
		['15s', 15 * s],
		['1m30s', 90 * s],
		['5s', 10 * s],
		['500ms', 10 * s],
		['5mx', 60 * s],
	])('analysis interval %s → %d ns', (interval, expected) => {
		expect(analysisInterval(canary({interval}))).toBe(expected);
	});

	it('threshold is 1 when unset, zero or negative', () => {
		expect(analysisThreshold(canary({}))).toBe(1);
		expect(analysisThreshold(canary({threshold: 0}))).toBe(1);
		expect(analysisThreshold(canary({threshold: -3}))).toBe(1);
		expect(analysisThreshold(canary({threshold: 5}))).toBe(5);
	});

	it('maxWeight: the last stepWeights entry (capped at 100), else maxWeight, else 100', () => {
		expect(maxWeight(canary({stepWeight: 10}))).toBe(100);
		expect(maxWeight(canary({stepWeight: 10, maxWeight: 50}))).toBe(50);
		expect(maxWeight(canary({stepWeights: [1, 10, 80], maxWeight: 50}))).toBe(80);
		expect(maxWeight(canary({stepWeights: [50, 120]}))).toBe(100);
	});

	it('next step follows stepWeight, or the stepWeights ladder capped at 100', () => {
		const ladder = canary({stepWeights: [1, 10, 80]});
		expect([0, 1, 10, 80].map(w => nextStepWeight(ladder, w))).toEqual([1, 9, 70, 20]);
		expect(nextStepWeight(ladder, 100)).toBe(1);
		expect(nextStepWeight(ladder, 5)).toBe(95);
		expect(nextStepWeight(canary({stepWeight: 20, maxWeight: 50}), 40)).toBe(20);
		expect(nextStepWeight(canary({stepWeights: [60, 130]}), 60)).toBe(40);
	});

	it('other defaults: progress deadline 600s, ready thresholds 100%, metric window 1m, webhook timeout 10s', () => {
		expect(progressDeadlineSeconds(canary({}))).toBe(600);
		expect(primaryReadyThreshold(canary({}))).toBe(100);
		expect(canaryReadyThreshold(canary({canaryReadyThreshold: 50}))).toBe(50);
		expect(builtinMetricInterval({name: 'request-success-rate'})).toBe('1m');
		expect(metricInterval({name: 'custom', templateRef: {name: 't'}})).toBe('');
		expect(webhookTimeout({name: 'h', url: 'http://x/'})).toBe(10 * s);
		expect(webhookTimeout({name: 'h', url: 'http://x/', timeout: '5'})).toBe(10 * s);
		expect(webhookTimeout({name: 'h', url: 'http://x/', timeout: '30s'})).toBe(30 * s);
	});

	it('strategy: A/B needs match and iterations; iterations alone is Blue/Green', () => {
		expect(deploymentStrategy(canary({iterations: 10, match: [{headers: {x: {exact: 'y'}}}]}))).toBe('ab-testing');
		expect(deploymentStrategy(canary({iterations: 10}))).toBe('blue-green');
		expect(deploymentStrategy(canary({stepWeight: 5, match: [{headers: {x: {exact: 'y'}}}]}))).toBe('canary');
	});

	it('analysis is skipped when asked or when there is none; the deprecated canaryAnalysis counts', () => {
		expect(skipAnalysis(canary(undefined))).toBe(true);
		expect(skipAnalysis(canary(undefined, {canaryAnalysis: {stepWeight: 5}}))).toBe(false);
		expect(analysisInterval(canary(undefined, {canaryAnalysis: {interval: '30s'}}))).toBe(30 * s);
		expect(skipAnalysis(canary({stepWeight: 5}, {skipAnalysis: true}))).toBe(true);
	});
});
