// The fields of alerts with metadata (Flagger's alertMetadata), read from the raw spec.
import {describe, expect, it} from 'vitest';
import {alertFields} from '../../source/alerts/alert-fields.js';
import type {Canary, CanaryAnalysis} from '../../source/core/spec/types.js';

const canary = (analysis: CanaryAnalysis, progressDeadlineSeconds?: number) =>
	({metadata: {name: 'podinfo', namespace: 'apps'}, spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-app'}, service: {port: 80}, progressDeadlineSeconds, analysis}}) as Canary;

const routing = (analysis: CanaryAnalysis) => alertFields(canary(analysis), true).find(field => field.name === 'Traffic routing')?.value;

describe('alert fields', () => {
	it('Target, Failed checks threshold (default 1), Progress deadline', () => {
		expect(alertFields(canary({stepWeight: 10}, 120), true).slice(0, 3)).toEqual([
			{name: 'Target', value: 'Deployment/podinfo-app.apps'},
			{name: 'Failed checks threshold', value: '1'},
			{name: 'Progress deadline', value: '120s'},
		]);
	});

	it('Traffic routing per strategy, max as written in the spec (0 when unset)', () => {
		expect(routing({stepWeight: 5, maxWeight: 50})).toBe('Weight step: 5 max: 50');
		expect(routing({stepWeight: 20})).toBe('Weight step: 20 max: 0');
		expect(routing({stepWeights: [1, 10, 80], maxWeight: 80})).toBe('Weight steps: 1,10,80 max: 80');
		expect(routing({iterations: 10, match: [{headers: {'x-canary': {exact: 'insider'}}}]})).toBe('A/B Testing');
		expect(routing({iterations: 10})).toBe('Blue/Green');
		expect(routing({})).toBeUndefined();
	});

	it('Cluster comes first and is the only field without metadata', () => {
		expect(alertFields(canary({iterations: 3}), false, 'prod-eu')).toEqual([{name: 'Cluster', value: 'prod-eu'}]);
		expect(alertFields(canary({iterations: 3}), true, 'prod-eu')[0]).toEqual({name: 'Cluster', value: 'prod-eu'});
		expect(alertFields(canary({iterations: 3}), false)).toEqual([]);
	});
});
