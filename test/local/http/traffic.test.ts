import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import {realClock} from '../../../source/clock.js';
import {startPodServer} from '../../../source/local/http/podinfo-server.js';
import {startStream, startTraffic, userAgents} from '../../../source/local/http/traffic.js';
import type {RequestRecord} from '../../../source/local/http/types.js';
import {realSleep, seeded, waitFor} from './helpers.js';

const closers: Array<() => void | Promise<void>> = [];
afterEach(async () => {
	for (const close of closers.splice(0).reverse()) await close();
});

/** A target that remembers what it saw; `hold` keeps requests hanging. */
async function target(hold = false): Promise<{url: string; seen: IncomingMessage[]}> {
	const seen: IncomingMessage[] = [];
	const open: ServerResponse[] = [];
	const server: Server = createServer((req, res) => {
		seen.push(req);
		if (hold) open.push(res);
		else res.end('ok');
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	closers.push(
		() =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	);
	const address = server.address();
	return {url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, seen};
}

describe('startTraffic', () => {
	it('sends the virtual rate with a mix of browsers and curl, mostly GET /', async () => {
		const {url, seen} = await target();
		// 50 virtual requests per second at speed 10 for 300 real ms: about 150.
		const started = performance.now();
		const traffic = startTraffic({url, clock: realClock(10), ratePerSecond: 50, random: seeded(3)});
		closers.push(() => traffic.stop());
		await realSleep(300);
		traffic.stop();
		const elapsed = performance.now() - started;
		expect(traffic.sent()).toBeGreaterThanOrEqual(130);
		expect(traffic.sent()).toBeLessThanOrEqual(Math.ceil(elapsed / 2) + 1);
		await waitFor(() => seen.length === traffic.sent());
		const share = (agent: string) => seen.filter(req => req.headers['user-agent'] === agent).length / seen.length;
		expect(share(userAgents.firefox)).toBeGreaterThan(0.05);
		expect(share(userAgents.curl)).toBeGreaterThan(0.03);
		expect(share(userAgents.chrome)).toBeGreaterThan(0.35);
		expect(share(userAgents.safari)).toBeGreaterThan(0.1);
		expect(seen.filter(req => req.method === 'GET' && req.url === '/').length / seen.length).toBeGreaterThan(0.8);
	});

	it('drops instead of queueing when the target is slow', async () => {
		const {url, seen} = await target(true);
		const traffic = startTraffic({url, clock: realClock(20), ratePerSecond: 100, random: seeded(5)});
		closers.push(() => traffic.stop());
		// 200 real ms = 4 virtual seconds = 400 requests due; only a bounded number go out.
		await realSleep(200);
		expect(traffic.sent()).toBeLessThanOrEqual(32);
		expect(seen.length).toBeLessThanOrEqual(32);
		traffic.stop();
	});

	it('swallows connection errors', async () => {
		const traffic = startTraffic({url: 'http://127.0.0.1:9', clock: realClock(20), ratePerSecond: 20});
		await realSleep(100);
		traffic.stop();
		expect(traffic.sent()).toBeGreaterThan(0);
	});
});

describe('startStream', () => {
	it('repeats a request like watch -n 0.5 curl $URL/status/500', async () => {
		const records: RequestRecord[] = [];
		const clock = realClock(20);
		const pod = await startPodServer({pod: 'podinfo-6cf9c5fd49-9fzbt', workload: 'podinfo', namespace: 'apps', version: '5.0.3', clock, record: record => records.push(record)});
		closers.push(() => pod.close());
		// Every 500 virtual ms is every 25 real ms.
		const started = performance.now();
		const stream = startStream({url: `http://127.0.0.1:${pod.address.port}`, path: '/status/500', userAgent: userAgents.curl, everyMs: 500, clock});
		closers.push(() => stream.stop());
		await realSleep(250);
		stream.stop();
		expect(records.length).toBeGreaterThanOrEqual(5);
		expect(records.length).toBeLessThanOrEqual(Math.floor((performance.now() - started) / 25) + 1);
		expect(records.every(record => record.code === 500)).toBe(true);
	});
});
