// Each alert provider's message against a local receiver: the JSON Flagger 1.44's
// pkg/notifier/*.go sends (key order included), the colours per severity, Discord's /slack
// suffix, Slack's bearer token, and Flagger's "only 200 is success" rule.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import {notify} from '../../source/alerts/notifier.js';
import type {Alert} from '../../source/alerts/payloads.js';
import {startReceiver, type Receiver} from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver((request, response) => {
		if (request.url.startsWith('/created')) return void response.writeHead(201).end('created, but not 200');
		if (request.url.startsWith('/broken')) return void response.writeHead(500).end('no such channel');
		response.writeHead(200).end('ok');
	});
});
afterAll(() => receiver.close());

const clock = realClock();
const fields = [
	{name: 'Cluster', value: 'prod-eu'},
	{name: 'Target', value: 'Deployment/podinfo.apps'},
];
const info: Alert = {workload: 'podinfo', namespace: 'apps', message: 'New revision detected, progressing canary analysis.', fields, severity: 'info'};
const error: Alert = {...info, message: 'Failed checks threshold reached 5', fields: [], severity: 'error'};

async function send(type: Parameters<typeof notify>[0]['type'], path: string, alert: Alert, extra: object = {}) {
	const result = await notify({type, address: `${receiver.base}${path}`, username: 'canary-bot', channel: 'deploys', ...extra}, alert, clock);
	expect(result).toEqual({ok: true});
	return receiver.at(path).at(-1)!;
}

describe('alert payloads', () => {
	it('slack: username, channel, :rocket:, one attachment with fields; good / danger', async () => {
		const request = await send('slack', '/slack/info', info);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['authorization']).toBeUndefined();
		expect(request.raw).toBe(
			'{"channel":"deploys","username":"canary-bot","icon_url":"","icon_emoji":":rocket:","attachments":[{"color":"good","author_name":"podinfo.apps",' +
				'"text":"New revision detected, progressing canary analysis.","mrkdwn_in":["text"],' +
				'"fields":[{"title":"Cluster","value":"prod-eu","short":false},{"title":"Target","value":"Deployment/podinfo.apps","short":false}]}]}',
		);
		const failed = await send('slack', '/slack/error', error);
		expect(failed.body.attachments[0]).toEqual({color: 'danger', author_name: 'podinfo.apps', text: 'Failed checks threshold reached 5', mrkdwn_in: ['text'], fields: []});
	});

	it('slack: a token from the Secret is sent as a bearer token', async () => {
		const request = await send('slack', '/slack/token', info, {token: 'xoxb-123'});
		expect(request.headers['authorization']).toBe('Bearer xoxb-123');
	});

	it('discord: Slack format at <hook>/slack, unless the address already ends so', async () => {
		await send('discord', '/api/webhooks/1/abc', info);
		const request = receiver.at('/api/webhooks/1/abc/slack')[0]!;
		expect(request.body).toMatchObject({channel: 'deploys', username: 'canary-bot', icon_emoji: ':rocket:', attachments: [{color: 'good', author_name: 'podinfo.apps'}]});
		await send('discord', '/api/webhooks/2/def/slack', error);
		expect(receiver.at('/api/webhooks/2/def/slack')).toHaveLength(1);
		expect(receiver.at('/api/webhooks/2/def/slack/slack')).toHaveLength(0);
		expect(receiver.at('/api/webhooks/2/def/slack')[0]!.body.attachments[0].color).toBe('danger');
	});

	it('rocket: Slack format with #0076D7 / #FF0000', async () => {
		const request = await send('rocket', '/rocket/info', info);
		expect(request.body).toEqual({
			channel: 'deploys',
			username: 'canary-bot',
			icon_url: '',
			icon_emoji: ':rocket:',
			attachments: [{color: '#0076D7', author_name: 'podinfo.apps', text: info.message, mrkdwn_in: ['text'], fields: fields.map(f => ({title: f.name, value: f.value, short: false}))}],
		});
		expect((await send('rocket', '/rocket/error', error)).body.attachments[0].color).toBe('#FF0000');
	});

	it('msteams: a MessageCard with facts; 0076D7 / FF0000', async () => {
		const request = await send('msteams', '/teams/info', info);
		expect(request.raw).toBe(
			'{"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"0076D7","summary":"podinfo.apps",' +
				'"sections":[{"activityTitle":"New revision detected, progressing canary analysis.","activitySubtitle":"podinfo.apps",' +
				'"facts":[{"name":"Cluster","value":"prod-eu"},{"name":"Target","value":"Deployment/podinfo.apps"}]}]}',
		);
		expect((await send('msteams', '/teams/error', error)).body.themeColor).toBe('FF0000');
	});

	it('gchat: a card with one paragraph per field, HTML escaped as Go does', async () => {
		const request = await send('gchat', '/gchat/info', info);
		expect(request.raw).toContain('"header":{"title":"Flagger","subtitle":"podinfo.apps","imageUrl":"https://flagger.app/favicon.png"}');
		expect(request.raw).toContain('\\u003cfont color=#848484\\u003e\\u003cstrong\\u003eNew revision detected');
		expect(request.body).toEqual({
			cards: [
				{
					header: {title: 'Flagger', subtitle: 'podinfo.apps', imageUrl: 'https://flagger.app/favicon.png'},
					sections: [
						{widgets: [{textParagraph: {text: `<font color=#848484><strong>${info.message}</strong></font>`}}]},
						{widgets: [{textParagraph: {text: 'Cluster<br><font color=#848484><strong>prod-eu</strong></font>'}}]},
						{widgets: [{textParagraph: {text: 'Target<br><font color=#848484><strong>Deployment/podinfo.apps</strong></font>'}}]},
					],
				},
			],
		});
	});

	it('only 200 is success; the answer body is the error', async () => {
		const created = await notify({type: 'slack', address: `${receiver.base}/created`}, info, clock);
		expect(created).toEqual({ok: false, error: 'postMessage failed: sending notification failed: created, but not 200'});
		const broken = await notify({type: 'msteams', address: `${receiver.base}/broken`}, info, clock);
		expect(broken).toEqual({ok: false, error: 'postMessage failed: sending notification failed: no such channel'});
	});

	it('defaults: username flagger, channel general', async () => {
		await notify({type: 'slack', address: `${receiver.base}/defaults`}, info, clock);
		expect(receiver.at('/defaults')[0]!.body).toMatchObject({username: 'flagger', channel: 'general'});
	});

	it('goes through an HTTP proxy (absolute-form request)', async () => {
		const result = await notify({type: 'slack', address: 'http://hooks.chat.invalid/services/T0/B0/secret', proxy: receiver.base}, info, clock);
		expect(result).toEqual({ok: true});
		const proxied = receiver.received.find(r => r.url === 'http://hooks.chat.invalid/services/T0/B0/secret')!;
		expect(proxied.headers.host).toBe('hooks.chat.invalid');
		expect(proxied.body.attachments[0].text).toBe(info.message);
	});

	it('asks an HTTP proxy for a CONNECT tunnel to an https address; a refusal is an error, without the address', async () => {
		const result = await notify({type: 'slack', address: 'https://hooks.chat.invalid/services/T0/B0/secret', proxy: `${receiver.base}/`}, info, clock);
		expect(result.ok).toBe(false);
		const text = (result as {error: string}).error;
		expect(text).toMatch(/^postMessage failed: sending notification failed: Post "https:\/\/hooks\.chat\.invalid\/<redacted>": proxyconnect tcp: /);
		expect(text).not.toContain('secret');
		expect(receiver.received.some(r => r.method === 'CONNECT' && r.url === 'hooks.chat.invalid:443')).toBe(true);
	});
});
