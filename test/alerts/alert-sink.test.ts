// The AlertSink on the in-memory API server: AlertProviders found by providerRef (namespace
// defaulting to the canary's), addresses from Secrets, severity routing, the global notifier for
// canaries without alerts, and failures reported with every secret redacted.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import {Alerts} from '../../source/alerts/alert-sink.js';
import type {Canary} from '../../source/core/spec/types.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {startReceiver, type Receiver} from './receiver.js';

let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver((request, response) => {
		if (request.url.startsWith('/echo')) return void response.writeHead(404).end(`no webhook at ${request.url}`);
		response.writeHead(200).end('ok');
	});
});
afterAll(() => receiver.close());

const clock = realClock();
const b64 = (text: string) => Buffer.from(text).toString('base64');

function canary(alerts?: unknown[]): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps', generation: 1},
		spec: {
			targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
			service: {port: 9898},
			analysis: {interval: '15s', threshold: 5, maxWeight: 50, stepWeight: 5, ...(alerts ? {alerts} : {})},
		},
		status: {phase: 'Progressing', failedChecks: 0, canaryWeight: 5, iterations: 0, lastAppliedSpec: 'a', lastPromotedSpec: 'b', lastTransitionTime: ''},
	} as Canary;
}

async function setup(objects: KubeObject[]) {
	const store = new MemoryStore(() => Date.now());
	for (const object of objects) await store.create(object);
	const errors: string[] = [];
	return {store, errors, onError: (_canary: Canary, message: string) => errors.push(message)};
}

const provider = (namespace: string, name: string, spec: object): KubeObject => ({apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', metadata: {name, namespace}, spec});
const secret = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace}, data} as KubeObject);

describe('alerts to AlertProviders', () => {
	it('routes by severity, defaults the provider namespace, reads addresses from Secrets', async () => {
		const {store, errors, onError} = await setup([
			provider('apps', 'on-call', {type: 'slack', channel: 'on-call', address: `${receiver.base}/route/on-call`}),
			provider('monitoring', 'teams', {type: 'msteams', secretRef: {name: 'teams-url'}}),
			secret('monitoring', 'teams-url', {address: b64(`${receiver.base}/route/teams-from-secret\n`)}),
		]);
		const subject = canary([
			{name: 'on-call', severity: 'warn', providerRef: {name: 'on-call'}},
			{name: 'teams', severity: '', providerRef: {name: 'teams', namespace: 'monitoring'}},
			{name: 'missing', severity: 'error', providerRef: {name: 'nope'}},
		]);
		const alerts = new Alerts({clock, store, onError, clusterName: 'prod-eu'});
		alerts.alert(subject, 'New revision detected, progressing canary analysis.', 'info', true);
		alerts.alert(subject, 'Canary is waiting for approval.', 'warn', false);
		alerts.alert(subject, 'Failed checks threshold reached 5', 'error', false);
		await alerts.settled();

		const onCall = receiver.at('/route/on-call').map(r => r.body.attachments[0].text);
		const teams = receiver.at('/route/teams-from-secret').map(r => r.body.sections[0].activityTitle);
		expect(onCall).toEqual(['Canary is waiting for approval.', 'Failed checks threshold reached 5']);
		expect(teams).toEqual(['New revision detected, progressing canary analysis.', 'Canary is waiting for approval.', 'Failed checks threshold reached 5']);
		expect(receiver.at('/route/on-call')[0]!.body.channel).toBe('on-call');
		// Cluster first; the metadata fields only on alerts that carry them.
		expect(receiver.at('/route/teams-from-secret')[0]!.body.sections[0].facts).toEqual([
			{name: 'Cluster', value: 'prod-eu'},
			{name: 'Target', value: 'Deployment/podinfo.apps'},
			{name: 'Failed checks threshold', value: '5'},
			{name: 'Progress deadline', value: '600s'},
			{name: 'Traffic routing', value: 'Weight step: 5 max: 50'},
		]);
		expect(receiver.at('/route/teams-from-secret')[1]!.body.sections[0].facts).toEqual([{name: 'Cluster', value: 'prod-eu'}]);
		expect(errors).toEqual(['alert provider nope.apps error: alertproviders.flagger.app "nope" not found']);
	});

	it('reports a Secret without an address, a missing Secret and an unknown type', async () => {
		const {store, errors, onError} = await setup([
			provider('apps', 'no-address', {type: 'slack', secretRef: {name: 'empty'}}),
			secret('apps', 'empty', {token: b64('xoxb-1')}),
			provider('apps', 'no-secret', {type: 'discord', secretRef: {name: 'gone'}}),
			provider('apps', 'pager', {type: 'pagerduty', address: `${receiver.base}/pager`}),
		]);
		const subject = canary(['no-address', 'no-secret', 'pager'].map(name => ({name, severity: 'info', providerRef: {name}})));
		const alerts = new Alerts({clock, store, onError});
		alerts.alert(subject, 'Canary analysis completed successfully, promotion finished.', 'info', false);
		await alerts.settled();
		expect(errors).toEqual([
			'alert provider no-address.apps secret does not contain an address',
			'alert provider no-secret.apps secretRef error: secrets "gone" not found',
			'alert provider pager.apps error: provider pagerduty not supported',
		]);
		expect(receiver.at('/pager')).toHaveLength(0);
	});

	it('never shows a secret address, proxy or token in a failure', async () => {
		const hook = `${receiver.base}/echo/services/T000/B000/XXXXSECRETXXXX`;
		const {store, errors, onError} = await setup([
			provider('apps', 'chat', {type: 'slack', secretRef: {name: 'chat-url'}}),
			secret('apps', 'chat-url', {address: b64(hook), token: b64('xoxb-TOKEN-SECRET')}),
			provider('apps', 'down', {type: 'rocket', secretRef: {name: 'down-url'}}),
			// A closed port: the connection error names the address in Go's wording.
			secret('apps', 'down-url', {address: b64('http://127.0.0.1:9/hooks/ROCKETSECRET')}),
			provider('apps', 'bad', {type: 'gchat', secretRef: {name: 'bad-url'}}),
			secret('apps', 'bad-url', {address: b64('chat.googleapis.com/v1/spaces/AAAA/messages?key=GCHATSECRET')}),
		]);
		const alerts = new Alerts({clock, store, onError});
		alerts.alert(canary(['chat', 'down', 'bad'].map(name => ({name, providerRef: {name}}))), 'Rolling back manual webhook invoked', 'warn', false);
		await alerts.settled();
		expect(errors).toHaveLength(3);
		expect(errors[0]).toBe(`alert provider chat.apps send error: postMessage failed: sending notification failed: no webhook at /<redacted>`);
		expect(errors[1]).toBe('alert provider down.apps send error: postMessage failed: sending notification failed: Post "http://127.0.0.1:9/<redacted>": dial tcp 127.0.0.1:9: connect: connection refused');
		expect(errors[2]).toBe('alert provider bad.apps send error: invalid Google Chat webhook URL <redacted>');
		for (const text of errors) expect(text).not.toMatch(/SECRET|T000|AAAA/);
	});
});

describe('the global notifier', () => {
	it('gets every alert of a canary without analysis.alerts, and none of one with alerts', async () => {
		const {store, errors, onError} = await setup([provider('apps', 'quiet', {type: 'slack', address: `${receiver.base}/quiet`})]);
		const alerts = new Alerts({clock, store, onError, global: {type: 'slack', address: `${receiver.base}/global`, username: 'flagger', channel: 'general'}});
		alerts.alert(canary(), 'Canary promotion is waiting for approval.', 'warn', false);
		alerts.alert(canary(), 'Promotion failed, primary not ready: timeout', 'error', false);
		alerts.alert(canary([{name: 'quiet', severity: 'error', providerRef: {name: 'quiet'}}]), 'Canary is waiting for approval.', 'warn', false);
		await alerts.settled();
		expect(receiver.at('/global').map(r => r.body.attachments[0].text)).toEqual(['Canary promotion is waiting for approval.', 'Promotion failed, primary not ready: timeout']);
		expect(receiver.at('/quiet')).toHaveLength(0);
		expect(errors).toEqual([]);
	});

	it("a failing global notifier is reported as Flagger logs it: alert can't be sent", async () => {
		const {store, errors, onError} = await setup([]);
		const alerts = new Alerts({clock, store, onError, global: {type: 'msteams', address: 'http://127.0.0.1:9/webhookb2/TEAMSSECRET'}});
		alerts.alert(canary(), 'Canary analysis was skipped, promotion finished.', 'info', false);
		await alerts.settled();
		expect(errors).toEqual([`alert can't be sent: postMessage failed: sending notification failed: Post "http://127.0.0.1:9/<redacted>": dial tcp 127.0.0.1:9: connect: connection refused`]);
	});
});
