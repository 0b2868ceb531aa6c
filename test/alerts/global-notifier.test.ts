// The global notifier and event webhook flags: Flagger's names and env variables, MS Teams over
// Slack, a flag over its env variable, and a bad value named by flag without echoing it.
import {describe, expect, it} from 'vitest';
import {globalNotifier} from '../../source/alerts/global-notifier.js';
import {deliveryFlags} from '../../source/webhooks/delivery-flags.js';

describe('global notifier flags', () => {
	it('none configured: no notifier', () => {
		expect(globalNotifier({}, {})).toEqual({ok: true});
	});

	it('slack from --slack-url with token, proxy, user and channel; defaults flagger / general', () => {
		expect(globalNotifier({slackUrl: 'https://hooks.slack.com/services/T/B/X', slackToken: 'xoxb', slackProxyUrl: 'http://proxy:3128', slackChannel: 'ops'}, {})).toEqual({
			ok: true,
			config: {type: 'slack', address: 'https://hooks.slack.com/services/T/B/X', proxy: 'http://proxy:3128', token: 'xoxb', username: 'flagger', channel: 'ops'},
		});
		expect(globalNotifier({}, {SLACK_URL: 'https://hooks.slack.com/services/T/B/Y'})).toMatchObject({config: {type: 'slack', address: 'https://hooks.slack.com/services/T/B/Y', channel: 'general'}});
	});

	it('a flag wins over its environment variable', () => {
		expect(globalNotifier({slackUrl: 'https://a.example/x'}, {SLACK_URL: 'https://b.example/y'})).toMatchObject({config: {address: 'https://a.example/x'}});
	});

	it('MS Teams wins over Slack, as in Flagger', () => {
		expect(globalNotifier({slackUrl: 'https://hooks.slack.com/x'}, {MSTEAMS_URL: 'https://teams.example/hook', MSTEAMS_PROXY_URL: 'http://proxy:8080'})).toEqual({
			ok: true,
			config: {type: 'msteams', address: 'https://teams.example/hook', proxy: 'http://proxy:8080'},
		});
	});

	it('a value that is not an http(s) URL is named by flag and env variable, and not echoed', () => {
		const result = globalNotifier({}, {SLACK_URL: 'hooks.slack.com/services/T/B/SECRET'});
		expect(result).toEqual({ok: false, error: expect.stringMatching(/^--slack-url \(or SLACK_URL\): expected an http:\/\/ or https:\/\/ URL/)});
		expect(JSON.stringify(result)).not.toContain('SECRET');
	});

	it('--event-webhook or EVENT_WEBHOOK_URL, checked as a URL', () => {
		expect(deliveryFlags({}, {EVENT_WEBHOOK_URL: 'http://events.example/in'})).toEqual({ok: true, delivery: {eventWebhook: 'http://events.example/in', clusterName: undefined, notifier: undefined}});
		expect(deliveryFlags({eventWebhook: 'events.example'}, {})).toEqual({ok: false, error: '--event-webhook (or EVENT_WEBHOOK_URL): expected an http:// or https:// URL, got "events.example"'});
		expect(deliveryFlags({clusterName: 'prod-eu'}, {})).toMatchObject({ok: true, delivery: {clusterName: 'prod-eu'}});
	});

	it('a flag given with nothing after it is named', () => {
		expect(deliveryFlags({eventWebhook: ''}, {})).toEqual({ok: false, error: '--event-webhook: expected a value after the flag'});
		expect(deliveryFlags({msteamsProxyUrl: ''}, {})).toEqual({ok: false, error: '--msteams-proxy-url: expected a value after the flag'});
	});
});
