import {afterEach, describe, expect, it} from 'vitest';
import {ManualClock, realClock} from '../../../source/clock.js';
import {startPodServer, type PodServer} from '../../../source/local/http/podinfo-server.js';
import type {Faults, RequestRecord} from '../../../source/local/http/types.js';
import {waitFor} from './helpers.js';

let servers: PodServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(server => server.close()));
	servers = [];
});

async function pod(options: {clock?: ManualClock | ReturnType<typeof realClock>; faults?: () => Faults; random?: () => number} = {}) {
	const records: RequestRecord[] = [];
	const server = await startPodServer({
		pod: 'podinfo-primary-5cf44b9799-lgq79',
		workload: 'podinfo-primary',
		namespace: 'apps',
		version: '5.0.0',
		clock: options.clock ?? realClock(1),
		record: record => records.push(record),
		...(options.faults ? {faults: options.faults} : {}),
		...(options.random ? {random: options.random} : {}),
	});
	servers.push(server);
	const base = `http://${server.address.host}:${server.address.port}`;
	return {server, records, base};
}

describe('podinfo server', () => {
	it('answers / with podinfo-style pretty JSON and records the request', async () => {
		const {records, base, server} = await pod();
		expect(server.address.host).toBe('127.0.0.1');
		const response = await fetch(`${base}/`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		const text = await response.text();
		expect(text).toMatch(/^\{\n {2}"hostname": "podinfo-primary-5cf44b9799-lgq79",\n {2}"version": "5.0.0",/);
		const info = JSON.parse(text);
		expect(info).toMatchObject({message: 'greetings from podinfo v5.0.0', goos: 'linux', goarch: 'amd64', color: '#34577c'});
		for (const key of ['revision', 'logo', 'runtime', 'num_goroutine', 'num_cpu']) expect(info).toHaveProperty(key);
		expect(records).toHaveLength(1);
		expect(records[0]).toMatchObject({namespace: 'apps', pod: 'podinfo-primary-5cf44b9799-lgq79', workload: 'podinfo-primary', code: 200});
	});

	it('serves status, health, version, token and 404, recording every answer', async () => {
		const clock = new ManualClock();
		const {records, base} = await pod({clock});
		const status = await fetch(`${base}/status/503`);
		expect(status.status).toBe(503);
		expect(JSON.parse(await status.text())).toEqual({status: 503});
		expect(JSON.parse(await (await fetch(`${base}/healthz`)).text())).toEqual({status: 'OK'});
		expect(JSON.parse(await (await fetch(`${base}/readyz`)).text())).toEqual({status: 'OK'});
		expect(JSON.parse(await (await fetch(`${base}/version`)).text())).toMatchObject({version: '5.0.0', commit: expect.any(String)});

		const token = await fetch(`${base}/token`, {method: 'POST', body: 'test'});
		const body = JSON.parse(await token.text());
		expect(body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString())).toMatchObject({name: 'test', iss: 'podinfo'});
		expect(body.expires_at).toBe('2020-11-14T12:04:39Z');

		const missing = await fetch(`${base}/nope`);
		expect(missing.status).toBe(404);
		await missing.text();
		expect(records.map(record => record.code)).toEqual([503, 200, 200, 200, 200, 404]);
		expect(records.every(record => record.time === clock.now() && record.durationMs === 0)).toBe(true);
	});

	it('waits /delay/{seconds} in virtual time', async () => {
		const clock = new ManualClock();
		const {records, base} = await pod({clock});
		const answer = fetch(`${base}/delay/2`).then(async response => ({status: response.status, body: JSON.parse(await response.text())}));
		await waitFor(() => clock.pending() === 1);
		clock.advance(1999);
		expect(records).toHaveLength(0);
		clock.advance(1);
		expect(await answer).toEqual({status: 200, body: {delay: 2}});
		expect(records[0]).toMatchObject({code: 200, durationMs: 2000});
	});

	it('injects faults: errors at the given rate and extra latency', async () => {
		const clock = new ManualClock();
		let faults: Faults = {errorRate: 1, extraLatencyMs: 0};
		const {records, base} = await pod({clock, faults: () => faults, random: () => 0.5});
		const failed = await fetch(`${base}/`);
		expect(failed.status).toBe(500);
		await failed.text();
		faults = {errorRate: 0.4, extraLatencyMs: 0};
		expect((await fetch(`${base}/`)).status).toBe(200);
		// Probes keep answering, so a faulty version still looks alive.
		faults = {errorRate: 1, extraLatencyMs: 0};
		expect((await fetch(`${base}/healthz`)).status).toBe(200);

		faults = {errorRate: 0, extraLatencyMs: 350};
		const slow = fetch(`${base}/`).then(response => response.status);
		await waitFor(() => clock.pending() === 1);
		clock.advance(350);
		expect(await slow).toBe(200);
		expect(records.map(record => [record.code, record.durationMs])).toEqual([
			[500, 0],
			[200, 0],
			[200, 0],
			[200, 350],
		]);
	});

	it('measures durations on the clock', async () => {
		const {records, base} = await pod({clock: realClock(100)});
		await (await fetch(`${base}/`)).text();
		expect(records[0]!.durationMs).toBeGreaterThanOrEqual(0);
		expect(records[0]!.durationMs).toBeLessThan(100 * 200);
	});
});
