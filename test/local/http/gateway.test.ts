import {createServer} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {realClock} from '../../../source/clock.js';
import {startGateway, type Gateway} from '../../../source/local/http/gateway.js';
import {startPodServer, type PodServer} from '../../../source/local/http/podinfo-server.js';
import {pickWeighted} from '../../../source/local/http/route-match.js';
import type {Endpoint, RequestRecord} from '../../../source/local/http/types.js';
import {httpGet, seeded} from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map(close => close()));
});

async function gateway(options: Parameters<typeof startGateway>[0]): Promise<Gateway & {base: string}> {
	const started = await startGateway(options);
	closers.push(() => started.close());
	return {...started, base: `http://${started.address.host}:${started.address.port}`};
}

async function pods(records: RequestRecord[]): Promise<{primary: Endpoint; canary: Endpoint}> {
	const clock = realClock(1);
	const start = async (pod: string, workload: string, version: string): Promise<Endpoint> => {
		const server: PodServer = await startPodServer({pod, workload, namespace: 'apps', version, clock, record: record => records.push(record)});
		closers.push(() => server.close());
		return {pod, workload, namespace: 'apps', address: server.address};
	};
	return {primary: await start('podinfo-primary-5cf44b9799-lgq79', 'podinfo-primary', '5.0.0'), canary: await start('podinfo-6cf9c5fd49-9fzbt', 'podinfo', '5.0.1')};
}

describe('gateway', () => {
	it('splits 1,000 requests 75/25 between two pod servers', async () => {
		const records: RequestRecord[] = [];
		const {primary, canary} = await pods(records);
		const random = seeded(42);
		const gw = await gateway({port: 0, choose: () => (pickWeighted(75, 25, random) === 'canary' ? canary : primary)});
		const versions: Record<string, number> = {};
		for (let batch = 0; batch < 50; batch++) {
			const answers = await Promise.all(Array.from({length: 20}, async () => JSON.parse((await httpGet(`${gw.base}/`)).body) as {version: string}));
			for (const {version} of answers) versions[version] = (versions[version] ?? 0) + 1;
		}
		expect(records).toHaveLength(1000);
		const share = records.filter(record => record.workload === 'podinfo').length / 1000;
		expect(share).toBeGreaterThanOrEqual(0.2);
		expect(share).toBeLessThanOrEqual(0.3);
		expect(versions['5.0.1']).toBe(share * 1000);
	});

	it('passes method, path, headers and body through, and answers with the upstream status', async () => {
		const records: RequestRecord[] = [];
		const {canary} = await pods(records);
		let seen: {method: string; path: string; agent: unknown} | undefined;
		const gw = await gateway({
			port: 0,
			choose: req => {
				seen = {method: req.method, path: req.path, agent: req.headers['user-agent']};
				return canary;
			},
		});
		const token = await fetch(`${gw.base}/token`, {method: 'POST', body: 'test', headers: {'user-agent': 'curl/8.5.0'}});
		const {token: jwt} = JSON.parse(await token.text());
		expect(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).name).toBe('test');
		expect(seen).toEqual({method: 'POST', path: '/token', agent: 'curl/8.5.0'});
		const failing = await fetch(`${gw.base}/status/500?from=gateway`);
		expect(failing.status).toBe(500);
		await failing.text();
		expect(records.map(record => record.code)).toEqual([200, 500]);
	});

	it('answers 503 like Envoy when there is no upstream or it cannot connect', async () => {
		const none = await gateway({port: 0, choose: () => undefined});
		const empty = await fetch(`${none.base}/`);
		expect(empty.status).toBe(503);
		expect(await empty.text()).toBe('no healthy upstream');

		const closedPort = await freePort();
		const dead = await gateway({port: 0, choose: () => ({pod: 'gone', workload: 'podinfo', namespace: 'apps', address: {host: '127.0.0.1', port: closedPort}})});
		const refused = await fetch(`${dead.base}/`);
		expect(refused.status).toBe(503);
		expect(await refused.text()).toBe('upstream connect error or disconnect/reset before headers');
	});

	it('serves extra routes itself', async () => {
		const gw = await gateway({port: 0, choose: () => undefined, extraRoutes: {'/metrics': (_req, res) => res.end('# metrics\n')}});
		expect(await (await fetch(`${gw.base}/metrics?x=1`)).text()).toBe('# metrics\n');
	});

	it('rejects a port in use with a message the CLI can print', async () => {
		const first = await gateway({port: 0, choose: () => undefined});
		const port = first.address.port;
		await expect(startGateway({port, choose: () => undefined})).rejects.toMatchObject({message: `port ${port} on 127.0.0.1 is already in use`, code: 'EADDRINUSE'});
	});
});

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}
