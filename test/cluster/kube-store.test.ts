/**
 * KubeStore (source/kube/kube-store.ts) against a real kube-apiserver: CRUD, optimistic
 * concurrency, the status subresource, watch order, dropped connections, the 410 relist, Events
 * and request counts.
 *
 * Needs KUBECONFIG pointing at a reachable local API server (scripts/local-cluster.sh up);
 * skipped with a loud message otherwise, and failing instead with CANARY_TUI_CLUSTER=1.
 *
 *   eval "$(scripts/local-cluster.sh up)" && npx vitest run test/cluster/kube-store.test.ts
 */
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {connect, type Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import {ApiError, type KubeObject, type WatchEvent} from '../../source/kube/objects.js';
import {detect, required} from './detect-cluster.js';


const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the KubeStore tests: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('KubeStore cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

// ---------------------------------------------------------------------------------------------
const fixture = (file: string): KubeObject[] =>
	YAML.parseAllDocuments(fs.readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
		await sleep(100);
	}
}

/** A TCP proxy in front of the API server that can drop every connection and refuse new ones. */
async function startProxy(target: URL) {
	const sockets = new Set<net.Socket>();
	let refusing = false;
	const server = net.createServer(client => {
		if (refusing) return client.destroy();
		const upstream = net.connect(Number(target.port || 443), target.hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => {});
		}
		client.pipe(upstream).pipe(client);
		client.on('close', () => upstream.destroy());
		upstream.on('close', () => client.destroy());
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		url: `https://127.0.0.1:${port}`,
		cut() {
			refusing = true;
			for (const socket of sockets) socket.destroy();
		},
		heal() {
			refusing = false;
		},
		close: () => {
			for (const socket of sockets) socket.destroy();
			return new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}

/** A copy of the kubeconfig whose current cluster is at `server`. */
function kubeconfigAt(connection: Connection, server: string): string {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kube-store-')), 'kubeconfig');
	const config = YAML.parse(connection.kc.exportConfig());
	const clusterName = connection.kc.getContextObject(connection.context)!.cluster;
	for (const cluster of config.clusters) if (cluster.name === clusterName) cluster.cluster.server = server;
	fs.writeFileSync(file, YAML.stringify(config), {mode: 0o600});
	return file;
}

const connection = detected.connection as Connection;

describe.skipIf(!detected.connection)('KubeStore on a real kube-apiserver', () => {
	const namespace = `kube-store-${randomBytes(3).toString('hex')}`;
	let store: KubeStore;

	const canary = (name: string): KubeObject => {
		const [object] = fixture('canary.yaml');
		return {...object!, metadata: {...object!.metadata, name, namespace}};
	};

	beforeAll(async () => {
		store = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary']});
		await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
	}, 30_000);

	afterAll(async () => {
		await store?.delete('Namespace', '', namespace).catch(() => {});
		await store?.close();
	}, 30_000);

	it('creates, reads, lists, updates and deletes a Canary (the seed fixture)', async () => {
		const created = await store.create(canary('podinfo'));
		expect(created).toMatchObject({apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: {name: 'podinfo', namespace, generation: 1}});
		expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
		expect(created.spec.analysis.interval).toBe('15s');

		const read = await store.get('Canary', namespace, 'podinfo');
		expect(read?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
		expect(read?.spec).toEqual(created.spec);

		const listed = await store.list('Canary', namespace);
		expect(listed.map(object => [object.kind, object.apiVersion, object.metadata.name])).toEqual([['Canary', 'flagger.app/v1beta1', 'podinfo']]);
		expect((await store.list('Canary')).some(object => object.metadata.namespace === namespace), 'listed across all namespaces').toBe(true);

		await expect(store.create(canary('podinfo'))).rejects.toMatchObject({reason: 'AlreadyExists'});

		const updated = await store.update({...read!, spec: {...read!.spec, analysis: {...read!.spec.analysis, interval: '30s'}}});
		expect(updated.metadata.generation).toBe(2);
		expect(updated.spec.analysis.interval).toBe('30s');

		await store.delete('Canary', namespace, 'podinfo');
		expect(await store.get('Canary', namespace, 'podinfo')).toBeUndefined();
		await expect(store.delete('Canary', namespace, 'podinfo')).rejects.toMatchObject({reason: 'NotFound', message: expect.stringContaining('"podinfo" not found')});
		await expect(store.update(read!)).rejects.toMatchObject({reason: 'NotFound'});
	});

	it('creates, scales and deletes the seed Deployment', async () => {
		const [deployment] = fixture('deployment.yaml');
		const created = await store.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		expect(created).toMatchObject({kind: 'Deployment', apiVersion: 'apps/v1', spec: {replicas: 2}});
		const listed = await store.list('Deployment', namespace);
		expect(listed.map(object => `${object.apiVersion}/${object.kind}/${object.metadata.name}`)).toEqual(['apps/v1/Deployment/podinfo']);
		// The deployment controller writes its status at once: re-read before writing, as any
		// client must.
		await expect(until('a status from kube-controller-manager', 10_000, async () => (await store.get('Deployment', namespace, 'podinfo'))?.status?.observedGeneration)).resolves.toBe(1);
		await expect(store.update({...created, spec: {...created.spec, replicas: 0}})).rejects.toMatchObject({reason: 'Conflict'});
		const current = (await store.get('Deployment', namespace, 'podinfo'))!;
		const scaled = await store.update({...current, spec: {...current.spec, replicas: 0}});
		expect(scaled.spec.replicas).toBe(0);
		expect(scaled.metadata.generation).toBe(2);
		await store.delete('Deployment', namespace, 'podinfo');
		expect(await store.get('Deployment', namespace, 'podinfo')).toBeUndefined();
	});

	it('answers a stale resourceVersion with Conflict, on update and on updateStatus', async () => {
		const created = await store.create(canary('conflict'));
		await store.update({...created, metadata: {...created.metadata, labels: {touched: 'yes'}}});
		const error = await store.update({...created, spec: {...created.spec, suspend: true}}).catch(caught => caught);
		expect(error).toBeInstanceOf(ApiError);
		expect(error.reason).toBe('Conflict');
		expect(error.message).toMatch(/the object has been modified/);
		await expect(store.updateStatus({...created, status: {phase: 'Initializing'}})).rejects.toMatchObject({reason: 'Conflict'});
		// Without a resourceVersion the write is unconditional, as in the MemoryStore.
		const {resourceVersion, ...metadata} = created.metadata;
		expect((await store.update({...created, metadata, spec: {...created.spec, suspend: true}})).spec.suspend).toBe(true);
	});

	it('writes status only through /status, and spec only through the object', async () => {
		const created = await store.create(canary('subresource'));
		const status = {phase: 'Initializing', failedChecks: 0, canaryWeight: 0, iterations: 0, lastTransitionTime: '2026-01-01T00:00:00Z'};

		const afterStatus = await store.updateStatus({...created, spec: {...created.spec, suspend: true}, status});
		expect(afterStatus.status).toMatchObject(status);
		expect(afterStatus.spec.suspend, 'a spec change sent to /status is ignored').toBeUndefined();
		expect(afterStatus.metadata.generation).toBe(1);

		const afterSpec = await store.update({...afterStatus, spec: {...afterStatus.spec, suspend: true}, status: {...status, phase: 'Failed'}});
		expect(afterSpec.spec.suspend).toBe(true);
		expect(afterSpec.status.phase, 'a status change sent to the object is ignored').toBe('Initializing');
		expect(afterSpec.metadata.generation).toBe(2);
		const read = await store.get('Canary', namespace, 'subresource');
		expect([read?.spec.suspend, read?.status.phase]).toEqual([true, 'Initializing']);
	});

	it('rejects an invalid Canary with Invalid and the server message', async () => {
		const bad = canary('invalid');
		bad.spec.analysis = {...bad.spec.analysis, iterations: 3};
		const error = await store.create(bad).catch(caught => caught);
		expect(error.reason).toBe('Invalid');
		expect(error.message).toContain('Canary.flagger.app "invalid" is invalid');
	});

	it('watch: the first list as ADDED, then ADDED, MODIFIED, DELETED in write order, nothing after stop', async () => {
		const events: WatchEvent[] = [];
		const stop = store.watch(event => events.push(event));
		await store.synced();
		const existing = (await store.list('Canary', namespace)).map(object => `ADDED:${object.metadata.name}`).sort();
		expect(existing.length).toBeGreaterThan(0);
		expect(events.map(event => `${event.type}:${event.object.metadata.name}`).sort(), 'the first list, replayed like an informer').toEqual(existing);
		const mine = () => events.filter(event => event.object.metadata.name === 'watched').map(event => `${event.type}:${event.object.status?.phase ?? ''}:${event.object.spec.suspend ?? ''}`);

		const created = await store.create(canary('watched'));
		const withStatus = await store.updateStatus({...created, status: {phase: 'Initializing'}});
		await store.update({...withStatus, spec: {...withStatus.spec, suspend: true}});
		await store.delete('Canary', namespace, 'watched');
		await until('four events', 10_000, () => mine().length >= 4);
		expect(mine()).toEqual(['ADDED::', 'MODIFIED:Initializing:', 'MODIFIED:Initializing:true', 'DELETED:Initializing:true']);
		expect(events.every(event => event.object.kind === 'Canary' && event.object.metadata.namespace === namespace)).toBe(true);

		stop();
		await store.create(canary('after-stop'));
		await sleep(1000);
		expect(events.some(event => event.object.metadata.name === 'after-stop')).toBe(false);
	});

	describe('through a proxy that drops connections', () => {
		let proxy: Awaited<ReturnType<typeof startProxy>>;
		let watcher: KubeStore;
		let events: WatchEvent[];
		let stop: () => void;
		const names = () => events.map(event => `${event.type}:${event.object.metadata.name}`);

		beforeAll(async () => {
			proxy = await startProxy(new URL(connection.server));
			const kubeconfig = kubeconfigAt(connection, proxy.url);
			const proxied = await connect({kubeconfig, probe: false});
			watcher = new KubeStore({kc: proxied.kc, namespace, kinds: ['Canary'], backoff: {initialMs: 200, maxMs: 1000}});
			for (const name of ['keep', 'change', 'remove']) await store.create(canary(`relist-${name}`));
			events = [];
			stop = watcher.watch(event => events.push(event));
			await watcher.synced();
		}, 30_000);

		afterAll(async () => {
			stop?.();
			await watcher?.close();
			await proxy?.close();
		});

		it('reconnects with backoff and resumes from the last resourceVersion (no event lost or repeated)', async () => {
			events.length = 0;
			watcher.resetStats();
			proxy.cut();
			const created = await store.create(canary('while-cut'));
			await store.updateStatus({...created, status: {phase: 'Initializing'}});
			await sleep(1500); // a few failed reconnects
			proxy.heal();
			await until('the changes made while cut', 15_000, () => events.length >= 2);
			await sleep(500);
			expect(names()).toEqual(['ADDED:while-cut', 'MODIFIED:while-cut']);
			const stats = watcher.stats();
			expect(stats.watchRestarts).toBeGreaterThanOrEqual(1);
			expect(stats.relists, 'resumed, not relisted').toBe(0);
			await store.delete('Canary', namespace, 'while-cut');
			await until('its deletion', 10_000, () => names().includes('DELETED:while-cut'));
		}, 30_000);

		it('relists on 410 Gone and emits what changed meanwhile, leaving the cache equal to a list', async () => {
			events.length = 0;
			watcher.resetStats();
			proxy.cut();
			await store.create(canary('relist-new'));
			const change = (await store.get('Canary', namespace, 'relist-change'))!;
			await store.updateStatus({...change, status: {phase: 'Progressing'}});
			await store.delete('Canary', namespace, 'relist-remove');
			// Resume from a resourceVersion the server no longer has: it answers 410 Gone.
			watcher.restartWatch('Canary', '1');
			proxy.heal();
			await until('the relist', 15_000, () => watcher.stats().relists >= 1 && events.length >= 3);
			await sleep(500);
			expect([...names()].sort()).toEqual(['ADDED:relist-new', 'DELETED:relist-remove', 'MODIFIED:relist-change']);
			expect(events.find(event => event.type === 'MODIFIED')?.object.status.phase).toBe('Progressing');
			const cached = watcher.cached('Canary').map(object => `${object.metadata.name}@${object.metadata.resourceVersion}`).sort();
			const listed = (await store.list('Canary', namespace)).map(object => `${object.metadata.name}@${object.metadata.resourceVersion}`).sort();
			expect(cached).toEqual(listed);
			// And the watch goes on after the relist.
			await store.delete('Canary', namespace, 'relist-new');
			await until('a deletion after the relist', 10_000, () => names().includes('DELETED:relist-new'));
		}, 30_000);
	});

	it('records Kubernetes Events on the Canary, aggregating repeats by count', async () => {
		const object = await store.create(canary('events'));
		const first = await store.recordEvent(object, 'Normal', 'Synced', 'Initialization done! events.' + namespace);
		const again = await store.recordEvent(object, 'Normal', 'Synced', 'Initialization done! events.' + namespace);
		const warning = await store.recordEvent(object, 'Warning', 'Synced', 'Halt advancement podinfo-primary.apps waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available');
		expect(again.metadata.name).toBe(first.metadata.name);
		expect(again.count).toBe(2);
		expect(warning.metadata.name).not.toBe(first.metadata.name);
		const events = (await store.list('Event', namespace)).filter(event => (event.involvedObject as any)?.name === 'events');
		expect(events).toHaveLength(2);
		const normal = events.find(event => event.type === 'Normal')!;
		expect(normal).toMatchObject({
			reason: 'Synced',
			count: 2,
			source: {component: 'canary-tui'},
			involvedObject: {apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'events', namespace, uid: object.metadata.uid},
		});
		// Through the controller's EventSink port.
		const sink = store.eventSink();
		sink.record(object as any, {op: 'event', type: 'Warning', error: false, message: 'via the sink', phase: 'Progressing'} as any);
		await until('the sink event', 10_000, async () => (await store.list('Event', namespace)).find(event => event.message === 'via the sink'));
	});

	it('counts requests by verb and resource', async () => {
		const counted = new KubeStore({kc: connection.kc, namespace});
		await counted.get('Canary', namespace, 'missing');
		await counted.list('Deployment', namespace);
		const created = await counted.create(canary('counted'));
		await counted.updateStatus({...created, status: {phase: 'Initializing'}});
		const stats = counted.stats();
		expect(stats.byRequest).toEqual({
			'create canaries.flagger.app': 1,
			'get canaries.flagger.app': 1,
			'list deployments.apps': 1,
			'update canaries.flagger.app/status': 1,
		});
		expect(stats.byVerb).toEqual({create: 1, get: 1, list: 1, update: 1});
		expect(stats.requests).toBe(4);
		await counted.close();
	});
});
