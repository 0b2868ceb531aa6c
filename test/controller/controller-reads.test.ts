// What one tick reads from the API server, and manual requests without a re-read of the Canary
// after each tick: the controller on the in-memory API server, on a manual clock.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {ManualClock} from '../../source/clock.js';
import type {Result} from '../../source/core/engine/ops.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {encodeRequest, requestAnnotation} from '../../source/controller/requests.js';
import {EventLog} from '../../source/events/event-log.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {KubernetesNoopRouter} from '../../source/routers/kubernetes-router.js';
import {manualTicks} from '../support/manual-ticks.js';

const fixture = (file: string) =>
	parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);

async function setup() {
	const clock = new ManualClock();
	const store = new MemoryStore(() => clock.now());
	new DeploymentSimulator(store, clock, () => 0.5);
	const [target] = fixture('deployment.yaml');
	const [canary] = fixture('canary.yaml');
	await store.create({...target!, metadata: {...target!.metadata, namespace: 'apps'}});
	const {autoscalerRef: _hpa, ...spec} = canary!.spec;
	await store.create({...canary!, metadata: {...canary!.metadata, namespace: 'apps'}, spec: {...spec, provider: 'kubernetes', analysis: {...spec.analysis, interval: '10s'}}});
	/** While set, the router's reconcile (every tick's bootstrap) waits for it: a tick in flight. */
	let hold: Promise<void> | undefined;
	const router = new KubernetesNoopRouter();
	const reconcile = async (): Promise<Result> => {
		await hold;
		return router.reconcile();
	};
	const controller = new Controller({
		clock,
		store,
		workloads: new DeploymentWorkloads({store, now: () => clock.now(), newId: () => 'id'}),
		router: () => ({reconcile, getRoutes: canary => router.getRoutes(canary), setRoutes: () => router.setRoutes()}),
		events: new EventLog(),
		metrics: {check: async () => ({ok: true}), query: async () => ({ok: true, value: 100})},
		webhooks: {call: async () => ({ok: true})},
	});
	await controller.start();
	const run = manualTicks(clock, controller);
	await run(30);
	const gets: string[] = [];
	const get = store.get.bind(store);
	store.get = async (kind, namespace, name) => {
		gets.push(`${kind} ${name}`);
		return get(kind, namespace, name);
	};
	const flush = async () => {
		for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve));
	};
	const setHold = (gate: Promise<void> | undefined) => (hold = gate);
	return {clock, store, controller, run, gets, flush, setHold};
}

const count = (gets: string[], read: string) => gets.filter(get => get === read).length;

describe('the reads of a tick', () => {
	it('an idle canary costs one GET of the Canary and one of its target per interval (Flagger: one and two)', async () => {
		const {store, run, gets} = await setup();
		expect(store.getSync('Canary', 'apps', 'podinfo')!.status.phase).toBe('Initialized');
		await run(30);
		expect(count(gets, 'Canary podinfo')).toBe(3);
		expect(count(gets, 'Deployment podinfo')).toBe(3);
		expect(count(gets, 'Deployment podinfo-primary')).toBe(3);
		expect(gets.filter(get => get.startsWith('Service')).length).toBe(9);
	});

	it('a target changed between two ticks is seen by the next tick: nothing read survives a tick', async () => {
		const {store, run} = await setup();
		const target = store.getSync('Deployment', 'apps', 'podinfo')!;
		target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:6.0.1';
		await store.update(target);
		await run(10);
		expect(store.getSync('Canary', 'apps', 'podinfo')!.status.phase).toBe('Progressing');
	});

	it('a request that arrives during a tick is carried out right after it, not an interval later', async () => {
		const {clock, store, controller, gets, flush, setHold} = await setup();
		let release!: () => void;
		setHold(new Promise<void>(resolve => (release = resolve)));
		clock.advance(10_000);
		await flush(); // the tick now waits in the router
		const canary = store.getSync('Canary', 'apps', 'podinfo')!;
		await store.update({...canary, metadata: {...canary.metadata, annotations: {[requestAnnotation]: encodeRequest('pause', 'alice', new Date(clock.now()).toISOString())}}});
		setHold(undefined);
		release();
		await flush();
		await controller.whenIdle();
		const before = count(gets, 'Canary podinfo');
		clock.advance(0);
		await flush();
		await controller.whenIdle();
		const paused = store.getSync('Canary', 'apps', 'podinfo')!;
		expect(paused.spec.suspend).toBe(true);
		expect(paused.metadata.annotations?.[requestAnnotation]).toBeUndefined();
		expect(count(gets, 'Canary podinfo') - before).toBeGreaterThan(0);
	});
});
