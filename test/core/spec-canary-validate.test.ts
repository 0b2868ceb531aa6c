import {describe, it, expect} from 'vitest';
import {readFileSync} from 'node:fs';
import {parse} from 'yaml';
import {validateCanary} from '../../source/core/spec/canary-validate.js';

type Json = Record<string, any>;

const fixture = (name: string): Json => parse(readFileSync(new URL(`../fixtures/podinfo/${name}`, import.meta.url), 'utf8'));
const podinfo = fixture('canary.yaml');

function edited(edit: (canary: Json) => void): Json {
	const canary = structuredClone(podinfo);
	edit(canary);
	return canary;
}

describe('validateCanary', () => {
	it('accepts the podinfo canaries', () => {
		expect(validateCanary(podinfo)).toEqual([]);
		expect(validateCanary(fixture('abtest.yaml'))).toEqual([]);
	});

	it.each(['90s', '1m30s', '500ms', '10m'])('accepts interval %s (the pattern is unanchored at the end)', interval => {
		expect(validateCanary(edited(c => (c.spec.analysis.interval = interval)))).toEqual([]);
	});

	const invalid: Array<{name: string; edit: (c: Json) => void; path: string; message: RegExp}> = [
		{
			name: 'two of iterations/stepWeight/stepWeights',
			edit: c => (c.spec.analysis.iterations = 10),
			path: 'spec.analysis',
			message: /exactly one of iterations, stepWeight or stepWeights must be set \(interval and threshold are required too\), found iterations and stepWeight$/,
		},
		{
			name: 'none of iterations/stepWeight/stepWeights',
			edit: c => delete c.spec.analysis.stepWeight,
			path: 'spec.analysis',
			message: /exactly one of iterations, stepWeight or stepWeights must be set.*found none of them/,
		},
		{
			name: 'missing threshold',
			edit: c => delete c.spec.analysis.threshold,
			path: 'spec.analysis.threshold',
			message: /required field is missing \(spec\.analysis needs interval, threshold and exactly one of/,
		},
		{name: 'interval 1h', edit: c => (c.spec.analysis.interval = '1h'), path: 'spec.analysis.interval', message: /^expected a string matching \^\[0-9\]\+\(m\|s\) \(e\.g\. 30s, 1m\), got "1h"$/},
		{name: 'interval 1.5m', edit: c => (c.spec.analysis.interval = '1.5m'), path: 'spec.analysis.interval', message: /got "1\.5m"/},
		{name: 'webhook timeout', edit: c => (c.spec.analysis.webhooks[1].timeout = 'soon'), path: 'spec.analysis.webhooks[1].timeout', message: /matching .*got "soon"/},
		{name: 'metric interval', edit: c => (c.spec.analysis.metrics[0].interval = 60), path: 'spec.analysis.metrics[0].interval', message: /expected a string, got an integer 60/},
		{name: 'missing service.port', edit: c => delete c.spec.service.port, path: 'spec.service.port', message: /required field is missing/},
		{name: 'missing targetRef', edit: c => delete c.spec.targetRef, path: 'spec.targetRef', message: /required field is missing/},
		{name: 'missing targetRef.name', edit: c => delete c.spec.targetRef.name, path: 'spec.targetRef.name', message: /required field is missing/},
		{
			name: 'bare gatewayapi provider',
			edit: c => (c.spec.provider = 'gatewayapi'),
			path: 'spec.provider',
			message: /expected one of .*"gatewayapi:v1".*got "gatewayapi" \(did you mean "gatewayapi:v1" or "gatewayapi:v1beta1"\?\)/,
		},
		{name: 'webhook type', edit: c => (c.spec.analysis.webhooks[0].type = 'pre-rolout'), path: 'spec.analysis.webhooks[0].type', message: /got "pre-rolout" \(did you mean "pre-rollout"\?\)/},
		{
			name: 'alert severity',
			edit: c => (c.spec.analysis.alerts = [{name: 'on-call', severity: 'critical', providerRef: {name: 'slack'}}]),
			path: 'spec.analysis.alerts[0].severity',
			message: /expected one of "", "info", "warn", "error", got "critical"/,
		},
		{name: 'stepWeight as a string', edit: c => (c.spec.analysis.stepWeight = '5'), path: 'spec.analysis.stepWeight', message: /expected a number, got a string "5"/},
		{
			name: 'unknown field typo',
			edit: c => {
				c.spec.analysis.maxweight = c.spec.analysis.maxWeight;
				delete c.spec.analysis.maxWeight;
			},
			path: 'spec.analysis.maxweight',
			message: /^unknown field "spec\.analysis\.maxweight" \(did you mean "maxWeight"\?\)$/,
		},
		{
			name: 'same cookie names',
			edit: c => (c.spec.analysis.sessionAffinity = {cookieName: 'flagger', primaryCookieName: 'flagger'}),
			path: 'spec.analysis.sessionAffinity.primaryCookieName',
			message: /^can't use the same cookie name for both primary and cookie name; please update them to be different/,
		},
		{
			name: 'unknown metric without query or templateRef',
			edit: c => (c.spec.analysis.metrics[1].name = 'error-rate'),
			path: 'spec.analysis.metrics[1]',
			message: /metric "error-rate" needs templateRef or query/,
		},
		{name: 'wrong apiVersion', edit: c => (c.apiVersion = 'flagger.app/v1'), path: 'apiVersion', message: /^expected "flagger\.app\/v1beta1", got "flagger\.app\/v1"$/},
		{name: 'wrong kind', edit: c => (c.kind = 'Canry'), path: 'kind', message: /expected "Canary", got "Canry"/},
		{name: 'missing name', edit: c => delete c.metadata.name, path: 'metadata.name', message: /required field is missing/},
		{name: 'invalid name', edit: c => (c.metadata.name = 'PodInfo'), path: 'metadata.name', message: /DNS-1123 subdomain.*got "PodInfo"/},
		{name: 'invalid namespace', edit: c => (c.metadata.namespace = 'a.b'), path: 'metadata.namespace', message: /DNS-1123 label.*got "a\.b"/},
		{
			name: 'two string matches in one service uri',
			edit: c => (c.spec.service.match[0].uri.exact = '/'),
			path: 'spec.service.match[0].uri',
			message: /at most one of exact, prefix or regex may be set, found exact and prefix/,
		},
	];

	it.each(invalid)('rejects $name', ({edit, path, message}) => {
		const errors = validateCanary(edited(edit));
		expect(errors.map(error => error.path)).toEqual([path]);
		expect(errors[0]!.message).toMatch(message);
	});

	it('accepts metrics with a query or templateRef and the builtin names', () => {
		const canary = edited(c => {
			c.spec.analysis.metrics.push({name: 'errors', query: 'sum(rate(x[1m]))'}, {name: 'latency', templateRef: {name: 'latency'}, interval: '1m'});
		});
		expect(validateCanary(canary)).toEqual([]);
	});

	it('ignores status and unknown metadata', () => {
		const canary = edited(c => {
			c.metadata.labels = {app: 'podinfo'};
			c.metadata.whatever = {x: 1};
			c.status = {phase: 'Succeeded', anything: true};
		});
		expect(validateCanary(canary)).toEqual([]);
	});

	it('reports several errors together', () => {
		const errors = validateCanary(
			edited(c => {
				c.spec.analysis.interval = '1h';
				c.spec.analysis.webhooks[0].timeout = '30';
				delete c.spec.service.port;
				c.spec.provider = 'gatewayapi';
			}),
		);
		expect(errors.map(error => error.path).sort()).toEqual([
			'spec.analysis.interval',
			'spec.analysis.webhooks[0].timeout',
			'spec.provider',
			'spec.service.port',
		]);
	});
});
