// The controller with Flagger's deployment controller and App Mesh router on the in-memory
// API server, on a manual clock: a whole release, object by object.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {ManualClock} from '../../source/clock.js';
import type {MetricAnswer, Result} from '../../source/core/engine/ops.js';
import type {Canary, CanaryWebhook} from '../../source/core/spec/types.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {AppMeshRouter} from '../../source/routers/appmesh-router.js';

const fixture = (file: string) =>
	parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);

async function setup(options: {successRate?: () => number | undefined; webhook?: (hook: CanaryWebhook) => Result} = {}) {
	const clock = new ManualClock();
	const store = new MemoryStore(() => clock.now());
	const simulator = new DeploymentSimulator(store, clock, () => 0.5);
	for (const file of ['deployment.yaml', 'hpa.yaml', 'canary.yaml']) {
		for (const object of fixture(file)) await store.create({...object, metadata: {...object.metadata, namespace: 'apps'}});
	}
	let ids = 0;
	const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: () => `id-${++ids}`});
	const router = new AppMeshRouter(store, async canary => (await workloads.selector(canary)).label);
	const events = new EventLog();
	const webhookCalls: string[] = [];
	const controller = new Controller({
		clock,
		store,
		workloads,
		router: () => router,
		events,
		metrics: {
			check: async () => ({ok: true}),
			query: async (_canary, _metric, kind): Promise<MetricAnswer> => {
				if (kind === 'request-duration') return {ok: true, value: 120};
				const value = options.successRate?.() ?? 100;
				return value === undefined ? {ok: false, noData: true, error: 'no values found'} : {ok: true, value};
			},
		},
		webhooks: {
			call: async (_canary, hook) => {
				webhookCalls.push(hook.name);
				return options.webhook?.(hook) ?? {ok: true};
			},
		},
	});
	await controller.start();
	const settle = async () => {
		for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve));
		await controller.whenIdle();
	};
	/** Advances virtual time in one-second steps, letting every tick finish. */
	const run = async (seconds: number) => {
		for (let s = 0; s < seconds; s++) {
			clock.advance(1000);
			await settle();
		}
	};
	const canary = () => store.getSync('Canary', 'apps', 'podinfo') as unknown as Canary;
	const messages = () => events.events('podinfo.apps').map(event => event.message);
	const release = async (tag: string, readinessDelaySeconds = 5) => {
		const target = store.getSync('Deployment', 'apps', 'podinfo')!;
		target.spec.template.spec.containers[0].image = `ghcr.io/stefanprodan/podinfo:${tag}`;
		target.spec.template.spec.containers[0].readinessProbe.initialDelaySeconds = readinessDelaySeconds;
		await store.update(target);
	};
	return {clock, store, simulator, controller, events, webhookCalls, run, settle, canary, messages, release};
}

describe('controller on the embedded cluster', () => {
	it('initializes: primary, services, App Mesh objects, target at zero', async () => {
		const {run, store, canary, messages, controller} = await setup();
		await run(30);
		expect(canary().status?.phase).toBe('Initialized');
		expect(messages()).toContain('Initialization done! podinfo.apps');
		const primary = store.getSync('Deployment', 'apps', 'podinfo-primary')!;
		expect(primary.spec.selector.matchLabels).toEqual({app: 'podinfo-primary'});
		expect(primary.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:5.0.0');
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.replicas).toBe(0);
		expect(store.getSync('Service', 'apps', 'podinfo')!.spec.selector).toEqual({app: 'podinfo-primary'});
		expect(store.getSync('Service', 'apps', 'podinfo-canary')!.spec.selector).toEqual({app: 'podinfo'});
		expect(store.getSync('HorizontalPodAutoscaler', 'apps', 'podinfo-primary')!.spec.scaleTargetRef.name).toBe('podinfo-primary');
		const router = store.getSync('VirtualRouter', 'apps', 'podinfo')!;
		expect(router.spec.routes[0].httpRoute.action.weightedTargets).toEqual([
			{virtualNodeRef: {name: 'podinfo-canary'}, weight: 0},
			{virtualNodeRef: {name: 'podinfo-primary'}, weight: 100},
		]);
		expect(store.getSync('VirtualNode', 'apps', 'podinfo-canary')!.spec.podSelector.matchLabels).toEqual({app: 'podinfo'});
		controller.stop();
	});

	it('promotes a new revision step by step, then copies the template to the primary', async () => {
		const {run, store, canary, messages, release, webhookCalls, controller} = await setup();
		await run(30);
		await release('5.0.1');
		const weights: number[] = [];
		for (let s = 0; s < 400 && canary().status?.phase !== 'Succeeded'; s++) {
			await run(1);
			const weight = store.getSync('VirtualRouter', 'apps', 'podinfo')!.spec.routes[0].httpRoute.action.weightedTargets[0].weight;
			if (weight !== weights.at(-1)) weights.push(weight);
		}
		expect(canary().status?.phase).toBe('Succeeded');
		expect(weights).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 0]);
		const run1 = messages().slice(messages().indexOf('New revision detected! Scaling up podinfo.apps'));
		expect(run1.filter(m => !m.includes('not ready'))).toEqual([
			'New revision detected! Scaling up podinfo.apps',
			'Starting canary analysis for podinfo.apps',
			'Pre-rollout check acceptance-test passed',
			...[5, 10, 15, 20, 25, 30, 35, 40, 45, 50].map(w => `Advance podinfo.apps canary weight ${w}`),
			'Copying podinfo.apps template spec to podinfo-primary.apps',
			'Routing all traffic to primary',
			'Promotion completed! Scaling down podinfo.apps',
		]);
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:5.0.1');
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.replicas).toBe(0);
		expect(webhookCalls.filter(name => name === 'load-test').length).toBeGreaterThanOrEqual(10);
		controller.stop();
	});

	it('waits for the target to become ready, scaled from zero to the HPA minimum', async () => {
		const {run, store, canary, messages, release, controller} = await setup();
		await run(30);
		await release('5.0.1', 20);
		await run(16);
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.replicas).toBe(2);
		expect(canary().status?.phase).toBe('Progressing');
		await run(15);
		expect(messages().at(-1)).toBe('canary deployment podinfo.apps not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available');
		await run(30);
		expect(messages()).toContain('Starting canary analysis for podinfo.apps');
		controller.stop();
	});

	it('rolls back after five failed checks and routes everything to the primary', async () => {
		let failing = false;
		const {run, store, canary, messages, release, controller} = await setup({successRate: () => (failing ? 97.51 : 100)});
		await run(30);
		await release('5.0.3');
		for (let s = 0; s < 60; s++) await run(1);
		failing = true;
		for (let s = 0; s < 300 && canary().status?.phase !== 'Failed'; s++) await run(1);
		expect(canary().status).toMatchObject({phase: 'Failed', canaryWeight: 0, failedChecks: 0});
		expect(messages().filter(m => m.startsWith('Halt'))).toEqual(Array(5).fill('Halt podinfo.apps advancement success rate 97.51% < 99%'));
		expect(messages().slice(-2)).toEqual(['Rolling back podinfo.apps failed checks threshold reached 5', 'Canary failed! Scaling down podinfo.apps']);
		expect(store.getSync('VirtualRouter', 'apps', 'podinfo')!.spec.routes[0].httpRoute.action.weightedTargets[0].weight).toBe(0);
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.replicas).toBe(0);
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:5.0.0');
		controller.stop();
	});

	it('a status write that loses a race with a spec edit is retried on the fresh object', async () => {
		const {run, store, canary, controller} = await setup();
		await run(30);
		const edited = store.getSync('Canary', 'apps', 'podinfo')!;
		edited.metadata.annotations = {note: 'edited by someone else'};
		await store.update(edited);
		await run(20);
		expect(canary().metadata.annotations).toEqual({note: 'edited by someone else'});
		expect(canary().status?.phase).toBe('Initialized');
		controller.stop();
	});
});
