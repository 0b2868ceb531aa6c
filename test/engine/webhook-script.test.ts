// `--webhook NAME=pass|fail|fail:N` (DESIGN.md §4) and the simulated webhook error text
// (semantics §5.2: 5xx → `POST <url> giving up after <retries+1> attempt(s): <cause>`).
import {describe, expect, it} from 'vitest';
import type {CanaryWebhook} from '../../source/core/spec/types.js';
import {parseWebhookFlags, ScriptedWebhooks} from '../../source/simulate/webhook-script.js';

const hooks: CanaryWebhook[] = [
	{name: 'acceptance-test', type: 'pre-rollout', url: 'http://flagger-loadtester.apps/'},
	{name: 'load-test', url: 'http://flagger-loadtester.apps/', retries: 3},
];

describe('parseWebhookFlags', () => {
	it('reads pass, fail and fail:N', () => {
		const {script, errors} = parseWebhookFlags(['acceptance-test=fail:2', 'load-test=fail'], hooks);
		expect(errors).toEqual([]);
		expect(script.get('acceptance-test')).toEqual({failFirst: 2});
		expect(script.get('load-test')!.failFirst).toBe(Number.POSITIVE_INFINITY);
		expect(parseWebhookFlags(['load-test=pass'], hooks).script.get('load-test')).toEqual({failFirst: 0});
	});

	it('rejects unknown names, naming the flag and spec.analysis.webhooks', () => {
		const {errors} = parseWebhookFlags(['nope=fail'], hooks);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toContain('nope=fail');
		expect(errors[0]).toContain('spec.analysis.webhooks');
	});

	it('rejects malformed results', () => {
		for (const flag of ['load-test=maybe', 'load-test', 'load-test=fail:', 'load-test=fail:-1', 'load-test=fail:x', '=pass']) {
			expect(parseWebhookFlags([flag], hooks).errors, flag).toHaveLength(1);
		}
	});
});

describe('ScriptedWebhooks', () => {
	it('fails the first N calls with the retry library text, then passes; unnamed hooks pass', () => {
		const webhooks = new ScriptedWebhooks(parseWebhookFlags(['acceptance-test=fail:2', 'load-test=fail:1'], hooks).script);
		const error = 'POST http://flagger-loadtester.apps/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error';
		expect(webhooks.call(hooks[0]!)).toEqual({ok: false, error});
		expect(webhooks.call(hooks[0]!)).toEqual({ok: false, error});
		expect(webhooks.call(hooks[0]!)).toEqual({ok: true});
		expect(webhooks.call(hooks[1]!)).toEqual({ok: false, error: 'POST http://flagger-loadtester.apps/ giving up after 4 attempt(s): unexpected HTTP status 500 Internal Server Error'});
		expect(webhooks.call(hooks[1]!)).toEqual({ok: true});
		expect(webhooks.call({name: 'other', url: 'http://x/'})).toEqual({ok: true});
	});
});
