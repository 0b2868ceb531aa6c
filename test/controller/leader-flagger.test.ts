// Finding a running Flagger from the cluster's Deployments, what the header says about it, and
// the controller leaving its namespaces alone.
import {describe, expect, it} from 'vitest';
import {ManualClock} from '../../source/clock.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {KubernetesNoopRouter} from '../../source/routers/kubernetes-router.js';
import {flaggerControllers, flaggerFor, flaggerNotice, namespaceArgument} from '../../source/kube/flagger-detection.js';
import type {KubeObject} from '../../source/kube/objects.js';

const deployment = (namespace: string, name: string, image: string, args: string[] = [], available = 1): KubeObject => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: {name, namespace},
	spec: {template: {spec: {containers: [{name: 'main', image, command: ['./flagger'], args}]}}},
	status: {availableReplicas: available},
});

describe('flaggerControllers', () => {
	it('finds Flagger by its image, with the namespace it watches', () => {
		const found = flaggerControllers([
			deployment('flagger-system', 'flagger', 'ghcr.io/fluxcd/flagger:1.38.0', ['-log-level=info', '-mesh-provider=kubernetes']),
			deployment('team-a', 'flagger', 'flagger:latest', ['-namespace=team-a']),
			deployment('team-b', 'flg', 'registry.local/mirror/flagger@sha256:abc123', ['--namespace', 'team-b']),
		]);
		expect(found).toEqual([
			{deployment: 'flagger-system/flagger', watches: undefined},
			{deployment: 'team-a/flagger', watches: 'team-a'},
			{deployment: 'team-b/flg', watches: 'team-b'},
		]);
	});

	it('ignores the load tester, other images and a Flagger with no available replica', () => {
		expect(
			flaggerControllers([
				deployment('test', 'flagger-loadtester', 'ghcr.io/fluxcd/flagger-loadtester:0.34.0'),
				deployment('test', 'podinfo', 'ghcr.io/stefanprodan/podinfo:6.0.0'),
				deployment('flagger-system', 'flagger', 'ghcr.io/fluxcd/flagger:1.38.0', [], 0),
				deployment('x', 'not-flagger', 'ghcr.io/fluxcd/flaggerx:1'),
			]),
		).toEqual([]);
	});
});

describe('namespaceArgument', () => {
	it('reads Go flag spellings', () => {
		expect(namespaceArgument(['-namespace=apps'])).toBe('apps');
		expect(namespaceArgument(['--namespace=apps'])).toBe('apps');
		expect(namespaceArgument(['-namespace', 'apps'])).toBe('apps');
		expect(namespaceArgument(['-namespace='])).toBeUndefined();
		expect(namespaceArgument(['-metrics-server=http://prometheus:9090'])).toBeUndefined();
	});
});

describe('who drives a namespace, and the header', () => {
	const all = {deployment: 'flagger-system/flagger'};
	const scoped = {deployment: 'team-a/flagger', watches: 'team-a'};

	it('a cluster-wide Flagger drives every namespace; a scoped one only its own', () => {
		expect(flaggerFor([all], 'anything')).toBe(all);
		expect(flaggerFor([scoped], 'team-a')).toBe(scoped);
		expect(flaggerFor([scoped], 'team-b')).toBeUndefined();
	});

	it('says why the canaries are read-only', () => {
		expect(flaggerNotice([all], 'test')).toBe('Flagger flagger-system/flagger drives these canaries; read-only');
		expect(flaggerNotice([scoped], 'team-b')).toBeUndefined();
		expect(flaggerNotice([scoped], undefined)).toBe('Flagger team-a/flagger drives the canaries in team-a; those are read-only');
		expect(flaggerNotice([], 'test')).toBeUndefined();
	});
});

describe('the controller leaves a Flagger namespace alone', () => {
	it('with -A and a Flagger scoped to team-a, only team-b\'s canary is driven', async () => {
		const clock = new ManualClock();
		const store = new MemoryStore(() => clock.now());
		for (const namespace of ['team-a', 'team-b']) {
			await store.create({
				apiVersion: 'flagger.app/v1beta1',
				kind: 'Canary',
				metadata: {name: 'podinfo', namespace},
				spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 1}},
			});
		}
		const flaggers = flaggerControllers([deployment('team-a', 'flagger', 'ghcr.io/fluxcd/flagger:1.38.0', ['-namespace=team-a'])]);
		const controller = new Controller({
			clock,
			store,
			workloads: new DeploymentWorkloads({store, now: () => clock.now(), newId: () => 'id'}),
			router: () => new KubernetesNoopRouter(),
			events: new EventLog(),
			metrics: {check: async () => ({ok: true}), query: async () => ({ok: false, noData: true, error: 'none'})},
			webhooks: {call: async () => ({ok: true})},
			leaveAlone: namespace => flaggerFor(flaggers, namespace) !== undefined,
		});
		await controller.start();
		for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve));
		await controller.whenIdle();
		controller.stop();
		expect(store.getSync('Canary', 'team-a', 'podinfo')!.status).toBeUndefined();
		expect(store.getSync('Canary', 'team-b', 'podinfo')!.status?.phase).toBe('Initializing');
	});
});
