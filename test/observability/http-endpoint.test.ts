// /metrics and /healthz over real HTTP on 127.0.0.1, and the health check of a KubeStore: not
// healthy before the watch has listed, nor while the API server cannot be reached.
import http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import type {Reply} from '../../source/kube/http.js';
import {kubeHealth, startHttpEndpoint, type HealthState, type HttpEndpoint} from '../../source/observability/http-endpoint.js';

const get = (url: string, method = 'GET') =>
	new Promise<{status: number; type: string; body: string}>((resolve, reject) => {
		const request = http.request(url, {method}, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode!, type: String(response.headers['content-type']), body}));
		});
		request.on('error', reject);
		request.end();
	});

describe('startHttpEndpoint', () => {
	let endpoint: HttpEndpoint | undefined;
	afterEach(async () => {
		await endpoint?.close();
		endpoint = undefined;
	});

	it('serves the registry at /metrics in the Prometheus text format, rendered per scrape', async () => {
		let scrapes = 0;
		endpoint = await startHttpEndpoint({port: 0, metrics: () => `# TYPE x gauge\nx ${++scrapes}\n`});
		expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(await get(`${endpoint.url}/metrics`)).toEqual({status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: '# TYPE x gauge\nx 1\n'});
		expect((await get(`${endpoint.url}/metrics?x=1`)).body).toBe('# TYPE x gauge\nx 2\n');
	});

	it('answers /healthz 200 ok, or 503 with the reason on one line', async () => {
		let state: HealthState = {ok: false, reason: 'watch not synced yet'};
		endpoint = await startHttpEndpoint({port: 0, metrics: () => '', health: () => state});
		expect(await get(`${endpoint.url}/healthz`)).toMatchObject({status: 503, body: 'watch not synced yet\n'});
		state = {ok: false, reason: 'API server unreachable: refused\n  at somewhere'};
		expect(await get(`${endpoint.url}/healthz`)).toMatchObject({status: 503, body: 'API server unreachable: refused\n'});
		state = {ok: true};
		expect(await get(`${endpoint.url}/healthz`)).toMatchObject({status: 200, body: 'ok\n'});
	});

	it('refuses other paths and methods, and a failing check is a 500 naming the path', async () => {
		endpoint = await startHttpEndpoint({
			port: 0,
			metrics: () => '',
			health: () => {
				throw new Error('boom');
			},
		});
		expect(await get(`${endpoint.url}/`)).toMatchObject({status: 404, body: 'not found: / (try /metrics or /healthz)\n'});
		expect(await get(`${endpoint.url}/metrics`, 'POST')).toMatchObject({status: 405});
		expect(await get(`${endpoint.url}/healthz`)).toMatchObject({status: 500, body: '/healthz failed: boom\n'});
	});

	it('says which address it could not listen on', async () => {
		endpoint = await startHttpEndpoint({port: 0, metrics: () => ''});
		const port = Number(new URL(endpoint.url).port);
		await expect(startHttpEndpoint({port, metrics: () => ''})).rejects.toThrow(`cannot listen on 127.0.0.1:${port} for /metrics and /healthz: EADDRINUSE`);
	});
});

describe('kubeHealth', () => {
	function fakeStore() {
		let markSynced!: () => void;
		const synced = new Promise<void>(resolve => (markSynced = resolve));
		const fake = {
			calls: 0,
			answer: (): Promise<Reply> => Promise.resolve({status: 200, body: {gitVersion: 'v1.36.3'}, text: ''}),
			markSynced,
			store: {
				synced: () => synced,
				http: {request: () => (fake.calls++, fake.answer())},
			},
		};
		return fake;
	}

	it('is unhealthy until the watch has listed, then asks GET /version at most every cacheMs', async () => {
		const fake = fakeStore();
		let now = 0;
		const check = kubeHealth(fake.store as never, {cacheMs: 5000, now: () => now});
		expect(await check()).toEqual({ok: false, reason: 'watch not synced yet'});
		expect(fake.calls).toBe(0);
		fake.markSynced();
		expect(await check()).toEqual({ok: true});
		fake.answer = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
		now = 4999;
		expect(await check()).toEqual({ok: true});
		expect(fake.calls).toBe(1);
		now = 5000;
		expect(await check()).toEqual({ok: false, reason: 'API server unreachable: connect ECONNREFUSED 127.0.0.1:6443'});
		fake.answer = () => Promise.resolve({status: 500, body: undefined, text: 'etcd down'});
		now = 10_000;
		expect(await check()).toEqual({ok: false, reason: 'API server answered GET /version with HTTP 500'});
		expect(fake.calls).toBe(3);
	});

	it('asks once for probes that arrive together', async () => {
		const fake = fakeStore();
		fake.markSynced();
		const check = kubeHealth(fake.store as never);
		const states = await Promise.all([check(), check(), check()]);
		expect(states).toEqual([{ok: true}, {ok: true}, {ok: true}]);
		expect(fake.calls).toBe(1);
	});
});
