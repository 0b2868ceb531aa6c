// Events and alerts leave the controller in the background: a whole release on the in-memory API
// server and a manual clock, with a real local receiver for the event webhook and the AlertProvider
// — answering, or hanging until it is closed (then failing), which must not hold a single tick.
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {ManualClock} from '../../source/clock.js';
import type {Canary} from '../../source/core/spec/types.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {AppMeshRouter} from '../../source/routers/appmesh-router.js';
import {deliveryPorts} from '../../source/webhooks/delivery-ports.js';
import {WebhookClient} from '../../source/webhooks/webhook-client.js';
import {startReceiver, type Receiver} from './receiver.js';
import {manualTicks} from '../support/manual-ticks.js';

const fixture = (file: string) =>
	parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);

let receiver: Receiver | undefined;
afterEach(async () => {
	await receiver?.close();
	receiver = undefined;
});

async function setup(answering: boolean) {
	receiver = await startReceiver((_request, response) => {
		if (answering) response.writeHead(200).end('ok');
	});
	const clock = new ManualClock();
	const store = new MemoryStore(() => clock.now());
	const simulator = new DeploymentSimulator(store, clock, () => 0.5);
	for (const file of ['deployment.yaml', 'hpa.yaml', 'canary.yaml']) {
		for (const object of fixture(file)) {
			if (object.kind === 'Canary') object.spec.analysis.alerts = [{name: 'on-call', severity: 'info', providerRef: {name: 'on-call'}}];
			await store.create({...object, metadata: {...object.metadata, namespace: 'apps'}});
		}
	}
	await store.create({apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', metadata: {name: 'on-call', namespace: 'apps'}, spec: {type: 'slack', address: `${receiver.base}/alerts/T0/SECRET`}});
	let ids = 0;
	const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: () => `id-${++ids}`});
	const router = new AppMeshRouter(store, async canary => (await workloads.selector(canary)).label);
	const events = new EventLog();
	const delivery = deliveryPorts({flags: {eventWebhook: `${receiver.base}/events`, clusterName: 'test-cluster'}, clock, client: new WebhookClient({clock}), store, events, log: events});
	const controller = new Controller({
		clock,
		store,
		workloads,
		router: () => router,
		events: delivery.events,
		alerts: delivery.alerts,
		metrics: {check: async () => ({ok: true}), query: async (_c, _m, kind) => ({ok: true, value: kind === 'request-duration' ? 120 : 100})},
		webhooks: {call: async () => ({ok: true})},
	});
	await controller.start();
	const run = manualTicks(clock, controller);
	const canary = () => store.getSync('Canary', 'apps', 'podinfo') as unknown as Canary;
	const release = async (tag: string) => {
		const target = store.getSync('Deployment', 'apps', 'podinfo')!;
		target.spec.template.spec.containers[0].image = `ghcr.io/stefanprodan/podinfo:${tag}`;
		await store.update(target);
	};
	const promote = async () => {
		await run(30);
		await release('5.0.1');
		for (let s = 0; s < 400 && canary().status?.phase !== 'Succeeded'; s++) await run(1);
	};
	return {receiver, clock, store, controller, events, delivery, canary, promote};
}

describe('event webhooks and alerts from the controller', () => {
	it('sends every event and each alert, in order, with the fields of §4.4', async () => {
		const {receiver, controller, events, delivery, canary, promote} = await setup(true);
		await promote();
		controller.stop();
		await delivery.settled();
		expect(canary().status?.phase).toBe('Succeeded');

		const logged = events.events('podinfo.apps').map(e => e.message);
		const sent = receiver.at('/events').map(r => r.body.metadata.eventMessage);
		expect(sent).toEqual(logged);
		expect(sent).toContain('Promotion completed! Scaling down podinfo.apps');
		// The fixture's 30s acceptance test cannot fit a 15s tick: said once, sent like any event.
		expect(logged.filter(m => m.startsWith('Webhooks of'))).toEqual(['Webhooks of podinfo.apps can take 30s in one tick, more than the analysis interval 15s: acceptance-test 30s']);

		const alerts = receiver.at('/alerts/T0/SECRET').map(r => r.body.attachments[0]);
		expect(alerts.map(a => a.text)).toEqual([
			'New Deployment detected, initialization completed.',
			'New revision detected, progressing canary analysis.',
			'Canary analysis completed successfully, promotion finished.',
		]);
		expect(alerts[0].fields.map((f: {title: string; value: string}) => `${f.title}: ${f.value}`)).toEqual([
			'Cluster: test-cluster',
			'Target: Deployment/podinfo.apps',
			'Failed checks threshold: 5',
			'Progress deadline: 60s',
			'Traffic routing: Weight step: 5 max: 50',
		]);
		expect(alerts[2].fields).toEqual([{title: 'Cluster', value: 'test-cluster', short: false}]);
	}, 30_000);

	it('a receiver that never answers holds no tick; its failures are reported, redacted, once it goes away', async () => {
		const {receiver, controller, events, delivery, canary, promote} = await setup(false);
		await promote();
		expect(canary().status?.phase).toBe('Succeeded');
		// One request of each queue is waiting; the rest wait their turn.
		expect(receiver.at('/events')).toHaveLength(1);
		expect(receiver.at('/alerts')).toHaveLength(1);
		controller.stop();
		await receiver.close();
		await delivery.settled();

		const failures = events.events('podinfo.apps').filter(e => e.error);
		expect(failures.every(e => e.type === 'Warning')).toBe(true);
		const texts = failures.map(e => e.message);
		expect(texts.filter(m => m.startsWith('error sending event to webhook: POST http://127.0.0.1:')).length).toBeGreaterThan(10);
		expect(texts.filter(m => m.startsWith('alert provider on-call.apps send error: postMessage failed: sending notification failed: '))).toHaveLength(3);
		expect(texts.join('\n')).not.toContain('SECRET');
		// Failures are not sent to the event webhook again (no loop).
		expect(texts.filter(m => m.includes('error sending event to webhook: error sending'))).toEqual([]);
	}, 30_000);
});
