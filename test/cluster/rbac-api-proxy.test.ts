/**
 * The test proxy (test/support/api-proxy.ts) in front of the real kube-apiserver: what it
 * records is what RBAC sees (verb, group, resource, subresource), watches stream through it live,
 * and each kind of fault reaches the client as the fault-injection suites expect.
 */
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import {ApiProxy, requestInfo} from '../support/api-proxy.js';
import {detect, required} from './detect-cluster.js';
import {until} from './controller-harness.js';

describe('requestInfo: the verb and resource RBAC checks', () => {
	it.each([
		['GET', '/api/v1/namespaces/a/pods', false, {verb: 'list', group: '', resource: 'pods', namespace: 'a'}],
		['GET', '/api/v1/namespaces/a/pods', true, {verb: 'watch', group: '', resource: 'pods', namespace: 'a'}],
		['GET', '/apis/flagger.app/v1beta1/canaries', true, {verb: 'watch', group: 'flagger.app', resource: 'canaries'}],
		['PUT', '/apis/flagger.app/v1beta1/namespaces/a/canaries/p/status', false, {verb: 'update', group: 'flagger.app', resource: 'canaries', subresource: 'status', namespace: 'a', name: 'p'}],
		['PATCH', '/api/v1/namespaces/a/events/e.1', false, {verb: 'patch', group: '', resource: 'events', namespace: 'a', name: 'e.1'}],
		['DELETE', '/api/v1/namespaces/a', false, {verb: 'delete', group: '', resource: 'namespaces', namespace: 'a', name: 'a'}],
		['DELETE', '/api/v1/namespaces/a/configmaps', false, {verb: 'deletecollection', group: '', resource: 'configmaps', namespace: 'a'}],
		['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', false, {verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews'}],
		['GET', '/version', false, {verb: 'get'}],
	])('%s %s (watch %s)', (method, path, watch, expected) => {
		expect(requestInfo(method, path, watch)).toEqual(expected);
	});
});

const detected = await detect();
if (!detected.connection) console.warn(`!! SKIPPING the api-proxy tests on a real API server: ${detected.reason}`);
describe.runIf(required && !detected.connection)('api-proxy (required by CANARY_TUI_CLUSTER=1)', () => {
	it('has a cluster', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)('api-proxy in front of the real API server', () => {
	const namespace = `obs-proxy-${randomBytes(3).toString('hex')}`;
	let proxy: ApiProxy;
	let admin: KubeStore;
	let store: KubeStore;

	beforeAll(async () => {
		admin = new KubeStore({kc: detected.connection!.kc});
		await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		proxy = await ApiProxy.start({kubeconfig: process.env.KUBECONFIG!, namespace});
		const connection = await connect({kubeconfig: proxy.kubeconfig});
		store = new KubeStore({kc: connection.kc, namespace, kinds: ['ConfigMap'], backoff: {initialMs: 50, maxMs: 200}});
	}, 60_000);

	afterAll(async () => {
		await store?.close();
		await proxy?.close();
		await admin?.delete('Namespace', '', namespace).catch(() => {});
		await admin?.close();
	}, 60_000);

	it('forwards with the kubeconfig credentials and records each request as RBAC sees it', async () => {
		proxy.clear();
		await store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'one', namespace}, data: {a: '1'}});
		const got = await store.get('ConfigMap', namespace, 'one');
		expect(got?.data).toEqual({a: '1'});
		expect(proxy.requests.map(({method, verb, resource, namespace: ns, name, status}) => ({method, verb, resource, ns, name, status}))).toEqual([
			{method: 'POST', verb: 'create', resource: 'configmaps', ns: namespace, name: undefined, status: 201},
			{method: 'GET', verb: 'get', resource: 'configmaps', ns: namespace, name: 'one', status: 200},
		]);
		expect(proxy.requests[0]!.query).toEqual({fieldManager: 'canary-tui'});
		expect(proxy.requests[0]!.body).toMatchObject({kind: 'ConfigMap', data: {a: '1'}});
		expect(proxy.writes().map(request => request.method)).toEqual(['POST']);
	});

	it('streams a watch through as events happen, and records it while it is open', async () => {
		const seen: string[] = [];
		const stop = store.watch(event => seen.push(`${event.type} ${event.object.metadata.name}`));
		await store.synced();
		await admin.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'two', namespace}});
		await until('the watch to deliver ADDED two', 10_000, () => seen.includes('ADDED two'));
		const watch = proxy.requests.find(request => request.verb === 'watch' && request.resource === 'configmaps');
		expect(watch).toMatchObject({status: 200, watch: true, namespace});
		expect(watch!.endedAt).toBeUndefined();
		stop();
		await until('the watch to end', 5000, () => watch!.endedAt !== undefined);
	});

	it('answers a fault status with a Kubernetes Status the client understands', async () => {
		proxy.fault = request => (request.verb === 'update' ? {status: 409} : 'pass');
		const current = (await store.get('ConfigMap', namespace, 'one'))!;
		const error = await store.update({...current, data: {a: '2'}}).then(() => undefined, (e: Error & {reason?: string}) => e);
		proxy.fault = () => 'pass';
		expect(error).toMatchObject({reason: 'Conflict', message: 'injected by api-proxy: 409 Conflict'});
		expect(proxy.requests.at(-1)).toMatchObject({verb: 'update', status: 409, fault: 'status'});
		expect((await admin.get('ConfigMap', namespace, 'one'))?.data).toEqual({a: '1'});
	});

	it('drops a connection without an answer, and stalls one before forwarding it', async () => {
		proxy.fault = request => (request.name === 'one' ? 'drop' : 'pass');
		const dropped = await store.get('ConfigMap', namespace, 'one').then(() => undefined, (e: Error & {code?: number}) => e);
		expect(dropped?.code).toBe(0);
		expect(proxy.requests.at(-1)?.fault).toBe('drop');
		expect(proxy.requests.at(-1)?.status).toBeUndefined();

		proxy.fault = request => (request.name === 'one' ? {stallMs: 700} : 'pass');
		const started = Date.now();
		expect((await store.get('ConfigMap', namespace, 'one'))?.data).toEqual({a: '1'});
		expect(Date.now() - started).toBeGreaterThanOrEqual(700);
		proxy.fault = () => 'pass';
	});

	it('cuts a watch mid-stream with dropAfterMs, and the informer reconnects', async () => {
		let cut = 0;
		const before = proxy.requests.length;
		proxy.fault = request => (request.watch && cut++ === 0 ? {dropAfterMs: 300} : 'pass');
		const watched = new KubeStore({kc: (await connect({kubeconfig: proxy.kubeconfig})).kc, namespace, kinds: ['ConfigMap'], backoff: {initialMs: 50, maxMs: 200}});
		const seen: string[] = [];
		const stop = watched.watch(event => seen.push(`${event.type} ${event.object.metadata.name}`));
		try {
			await watched.synced();
			await until('a second watch request', 10_000, () => proxy.requests.slice(before).filter(request => request.watch).length >= 2);
			await admin.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'three', namespace}});
			await until('ADDED three after the reconnect', 10_000, () => seen.includes('ADDED three'));
			expect(watched.stats().watchRestarts).toBeGreaterThanOrEqual(1);
		} finally {
			stop();
			await watched.close();
			proxy.fault = () => 'pass';
		}
	});
});
