// The embedded mesh's routing, end to end: a LocalDemo (in-process, time 50x) with real pods and
// a real gateway. Local service names resolve to the listeners the seed's webhooks call, and the
// gateway splits requests the way the App Mesh VirtualRouter Flagger writes says.
import {Agent, request} from 'node:http';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {RecordedEvent} from '../../source/controller/ports.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {LocalDemo} from '../../source/local/demo.js';
import {copyFixture, editYaml, get, podinfo, removeDir, userAgents, waitUntil} from './helpers.js';

let dir: string;
let demo: LocalDemo;
const notices: string[] = [];
const events: RecordedEvent[] = [];

const phase = () => demo.canaries()[0]?.status?.phase ?? '';
const messages = () => events.map(event => event.message);
const isCanaryPod = (hostname: string) => /^podinfo-(?!primary-)[a-z0-9]+-[a-z0-9]{5}$/.test(hostname);
const isPrimaryPod = (hostname: string) => /^podinfo-primary-[a-z0-9]+-[a-z0-9]{5}$/.test(hostname);

const agent = new Agent({keepAlive: true, maxSockets: 16});

/** n GETs through the gateway, 16 at a time; the hostnames that answered. */
async function hostnames(n: number, userAgent: string = userAgents.chrome): Promise<string[]> {
	const answers: string[] = [];
	let next = 0;
	const one = () =>
		new Promise<string>((resolve, reject) => {
			const req = request(`${demo.url}/`, {agent, headers: {'user-agent': userAgent}}, res => {
				let body = '';
				res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
				res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as {hostname: string}).hostname) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
			});
			req.on('error', reject);
			req.end();
		});
	const worker = async () => {
		while (next < n) {
			next++;
			answers.push(await one());
		}
	};
	await Promise.all(Array.from({length: 16}, worker));
	return answers;
}

function virtualRouter(): KubeObject {
	const router = demo.store.getSync('VirtualRouter', 'apps', 'podinfo');
	if (!router) throw new Error('no VirtualRouter apps/podinfo');
	return router;
}

function routerWeights(): Record<string, number> {
	const targets = virtualRouter().spec.routes[0].httpRoute.action.weightedTargets as Array<{virtualNodeRef: {name: string}; weight: number}>;
	return Object.fromEntries(targets.map(t => [t.virtualNodeRef.name, t.weight]));
}

/** What Flagger's App Mesh router does on a traffic shift: rewrite routes[0]'s weighted targets. */
async function setWeights(primary: number, canary: number): Promise<void> {
	const router = virtualRouter();
	const routes = structuredClone(router.spec.routes);
	routes[0].httpRoute.action.weightedTargets = [
		{virtualNodeRef: {name: 'podinfo-canary'}, weight: canary},
		{virtualNodeRef: {name: 'podinfo-primary'}, weight: primary},
	];
	await demo.store.update({...router, spec: {...router.spec, routes}});
}

beforeAll(async () => {
	dir = await copyFixture();
	demo = new LocalDemo({dir, port: 0, clock: realClock(50), notice: line => notices.push(line)});
	demo.events.subscribe(event => events.push(event));
	await demo.start();
	await waitUntil(() => phase() === 'Initialized', 30_000, () => `the canary to be Initialized; events:\n${messages().join('\n')}`);
}, 60_000);

afterAll(async () => {
	await demo?.stop();
	agent.destroy();
	await removeDir(join(dir, '..'));
});

describe('demo routing: local service names', {timeout: 60_000}, () => {
	it('flagger-loadtester.apps resolves to the embedded load tester (any port, any namespace suffix)', async () => {
		const address = demo.dataplane.resolve('flagger-loadtester.apps');
		expect(address).toMatchObject({host: '127.0.0.1', port: expect.any(Number)});
		expect(demo.dataplane.resolve('flagger-loadtester.apps:80')).toEqual(address);
		const health = await get(`http://${address!.host}:${address!.port}/healthz`);
		expect(health).toMatchObject({status: 200, body: 'OK'});
		// Its gates answer like the Flagger load tester's.
		expect((await get(`http://${address!.host}:${address!.port}/gate/approve`)).status).toBe(200);
		expect((await get(`http://${address!.host}:${address!.port}/gate/halt`)).status).toBe(403);
	});

	it('podinfo-primary.apps:9898 resolves to a primary pod; podinfo-canary.apps has no pods while the canary is scaled to zero', async () => {
		const address = demo.dataplane.resolve('podinfo-primary.apps:9898');
		expect(address?.host).toBe('127.0.0.1');
		const answer = podinfo(await get(`http://${address!.host}:${address!.port}/`));
		expect(isPrimaryPod(answer?.hostname ?? ''), answer?.hostname).toBe(true);
		expect(answer?.version).toBe('5.0.0');
		expect(demo.dataplane.resolve('podinfo-canary.apps:9898')).toBeUndefined();
		expect(demo.dataplane.resolve('no-such-service.apps:9898')).toBeUndefined();
	});

	it('during a release, podinfo-canary.apps:9898 resolves to the canary pods, in turn', async () => {
		await editYaml(join(dir, 'kustomization.yaml'), ['images', 0, 'newTag'], '5.0.1');
		await waitUntil(() => messages().includes('Advance podinfo.apps canary weight 5'), 20_000, () => `the first traffic shift; events:\n${messages().join('\n')}`);
		// Hold the release here (kubectl patch canary podinfo -p '{"spec":{"suspend":true}}'): the
		// next tests set the weights themselves.
		const canary = demo.store.getSync('Canary', 'apps', 'podinfo')!;
		await demo.store.update({...canary, spec: {...canary.spec, suspend: true}});
		await waitUntil(() => messages().includes('skipping canary run as object is suspended'), 10_000, 'a suspended tick');

		const seen = new Set<string>();
		for (const host of ['podinfo-canary.apps:9898', 'podinfo-canary.apps', 'podinfo-canary.apps.svc.cluster.local:9898', 'podinfo-canary.apps:9898']) {
			const address = demo.dataplane.resolve(host);
			expect(address?.host, host).toBe('127.0.0.1');
			const answer = podinfo(await get(`http://${address!.host}:${address!.port}/`));
			expect(isCanaryPod(answer?.hostname ?? ''), `${host} → ${answer?.hostname}`).toBe(true);
			expect(answer?.version).toBe('5.0.1');
			seen.add(answer!.hostname!);
		}
		expect(seen.size).toBe(2); // replicas: 2, and each resolve takes the next pod
	});
});

describe('demo routing: weighted split through the gateway', {timeout: 60_000}, () => {
	it('1,000 requests at canary weight 25 land 25% ± 5% on the canary', async () => {
		expect(phase()).toBe('Progressing');
		await setWeights(75, 25);
		// Two analysis intervals later the controller (suspended) has not touched them.
		const since = events.length;
		await waitUntil(() => messages().slice(since).filter(m => m === 'skipping canary run as object is suspended').length >= 2, 10_000, 'two suspended ticks');
		expect(routerWeights()).toEqual({'podinfo-canary': 25, 'podinfo-primary': 75});

		const answered = await hostnames(1000);
		expect(routerWeights()).toEqual({'podinfo-canary': 25, 'podinfo-primary': 75});
		const canary = answered.filter(isCanaryPod).length;
		const primary = answered.filter(isPrimaryPod).length;
		expect(canary + primary).toBe(1000);
		expect(Math.abs(canary / 1000 - 0.25), `${canary} of 1000 on the canary`).toBeLessThanOrEqual(0.05);
		// Both pods of each side take their share (round robin behind the split).
		expect(new Set(answered.filter(isCanaryPod)).size).toBe(2);
		expect(new Set(answered.filter(isPrimaryPod)).size).toBe(2);
	});

	it('weight 0 sends nothing to the canary, weight 100 everything, whatever the user agent', async () => {
		await setWeights(100, 0);
		for (const ua of [userAgents.chrome, userAgents.curl]) expect((await hostnames(200, ua)).filter(isCanaryPod)).toEqual([]);
		await setWeights(0, 100);
		for (const ua of [userAgents.chrome, userAgents.curl]) expect((await hostnames(200, ua)).filter(isPrimaryPod)).toEqual([]);
	});

	it('1,000 requests at weight 50 land 50% ± 5% on the canary', async () => {
		await setWeights(50, 50);
		const canary = (await hostnames(1000)).filter(isCanaryPod).length;
		expect(Math.abs(canary / 1000 - 0.5), `${canary} of 1000 on the canary`).toBeLessThanOrEqual(0.05);
		expect(routerWeights()).toEqual({'podinfo-canary': 50, 'podinfo-primary': 50});
	});
});
