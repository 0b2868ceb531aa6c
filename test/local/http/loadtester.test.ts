import {afterEach, describe, expect, it} from 'vitest';
import {realClock} from '../../../source/clock.js';
import {rewriteUrls, startLoadtester, type Loadtester} from '../../../source/local/http/loadtester.js';
import {startPodServer, type PodServer} from '../../../source/local/http/podinfo-server.js';
import type {Address, RequestRecord} from '../../../source/local/http/types.js';
import {directoryOf, waitFor} from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map(close => close()));
});

const seedAcceptance = "curl -sd 'test' http://podinfo-canary.apps:9898/token | grep token";
const seedLoad = 'hey -z 1m -q 10 -c 2 http://podinfo-canary.apps:9898/';

async function setup(options: {commandTimeoutMs?: number} = {}) {
	const clock = realClock(20);
	const records: RequestRecord[] = [];
	const pod: PodServer = await startPodServer({pod: 'podinfo-6cf9c5fd49-9fzbt', workload: 'podinfo', namespace: 'apps', version: '5.0.1', clock, record: record => records.push(record)});
	closers.push(() => pod.close());
	const directory = directoryOf({'podinfo-canary.apps': [pod.address]});
	const lines: string[] = [];
	const tester: Loadtester = await startLoadtester({clock, directory, log: line => lines.push(line), ...options});
	closers.push(() => tester.close());
	const base = `http://${tester.address.host}:${tester.address.port}`;
	const post = async (path: string, body: unknown) => {
		const response = await fetch(`${base}${path}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: typeof body === 'string' ? body : JSON.stringify(body)});
		return {status: response.status, body: await response.text()};
	};
	const hook = (metadata?: Record<string, string>) => post('/', {name: 'podinfo', namespace: 'apps', phase: 'Progressing', checksum: 'abc', ...(metadata ? {metadata} : {})});
	return {records, lines, base, post, hook, tester};
}

describe('loadtester tasks', () => {
	it('answers 400 without metadata, for bad JSON and unknown types', async () => {
		const {hook, post} = await setup();
		expect(await hook()).toEqual({status: 400, body: 'metadata not found in payload'});
		expect(await hook({})).toEqual({status: 400, body: 'metadata not found in payload'});
		expect(await post('/', '{not json')).toEqual({status: 400, body: ''});
		expect(await hook({type: 'teapot', cmd: 'true'})).toEqual({status: 400, body: 'unknown task type teapot'});
		expect(await hook({type: 'cmd'})).toEqual({status: 400, body: 'cmd not found in metadata'});
	});

	it('runs bash blocking: 200, output on request, 500 with Go-style errors', async () => {
		const {hook} = await setup();
		expect(await hook({type: 'bash', cmd: 'echo some-output-not-to-be-returned'})).toEqual({status: 200, body: ''});
		expect(await hook({type: 'bash', cmd: 'echo some-output-to-be-returned', returnCmdOutput: 'true'})).toEqual({status: 200, body: 'some-output-to-be-returned\n'});
		expect(await hook({type: 'bash', cmd: 'false'})).toEqual({status: 500, body: 'command false failed: : exit status 1'});
		expect(await hook({type: 'bash', cmd: 'echo oops >&2; exit 3'})).toEqual({status: 500, body: 'command echo oops >&2; exit 3 failed: oops\n: exit status 3'});
	});

	it('runs the seed acceptance test against the local pod through rewritten URLs', async () => {
		const {hook, records} = await setup();
		const answer = await hook({type: 'bash', cmd: seedAcceptance, returnCmdOutput: 'true'});
		expect(answer.status).toBe(200);
		expect(answer.body).toContain('"token"');
		expect(records).toEqual([expect.objectContaining({workload: 'podinfo', code: 200})]);
		expect(await hook({type: 'bash', cmd: "curl -sd 'test' http://podinfo-canary.apps:9898/token | grep nothing-like-this"})).toMatchObject({status: 500});
	});

	it('runs cmd tasks in the background, one at a time per canary and command', async () => {
		const {hook, lines} = await setup();
		const command = 'sleep 0.3';
		expect(await hook({cmd: command})).toEqual({status: 202, body: ''});
		expect(await hook({type: 'cmd', cmd: command})).toEqual({status: 202, body: ''});
		expect(lines).toContain(`command skipped ${command} is already running`);
		await waitFor(() => lines.includes(`command finished ${command}`));
		expect(lines.filter(line => line === `command starting ${command}`)).toHaveLength(1);
		expect(await hook({cmd: command})).toEqual({status: 202, body: ''});
		expect(lines.filter(line => line === `command starting ${command}`)).toHaveLength(2);
	});

	it('runs the seed load test natively with virtual duration and rate', async () => {
		const {hook, lines, records} = await setup();
		const started = performance.now();
		// 5s at 10 qps on 2 workers, 250 real ms at speed 20.
		expect(await hook({cmd: seedLoad.replace('1m', '5s'), logCmdOutput: 'true'})).toEqual({status: 202, body: ''});
		await waitFor(() => lines.some(line => line.startsWith('command finished hey')));
		expect(performance.now() - started).toBeLessThan(1000);
		expect(records.length).toBeGreaterThanOrEqual(80);
		expect(records.length).toBeLessThanOrEqual(102);
		expect(lines.some(line => line.includes(`[200]\t${records.length} responses`))).toBe(true);
	});

	it('kills a command at the timeout, scaled to real time', async () => {
		const {hook} = await setup({commandTimeoutMs: 4000});
		const started = performance.now();
		expect(await hook({type: 'bash', cmd: 'sleep 5; echo late'})).toEqual({status: 500, body: 'command sleep 5; echo late failed: : signal: killed'});
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it('close() kills running commands', async () => {
		const {hook, lines, tester} = await setup();
		expect((await hook({cmd: 'sleep 30'})).status).toBe(202);
		await waitFor(() => lines.includes('command starting sleep 30'));
		await tester.close();
		await waitFor(() => lines.some(line => line.startsWith('command failed sleep 30 signal: killed')));
	});
});

describe('loadtester gates', () => {
	it('approve, halt and health answer fixed', async () => {
		const {base, post} = await setup();
		expect(await post('/gate/approve', {})).toEqual({status: 200, body: 'OK'});
		expect(await (await fetch(`${base}/gate/approve`)).text()).toBe('OK');
		expect(await post('/gate/halt', {})).toEqual({status: 403, body: 'Forbidden'});
		const health = await fetch(`${base}/healthz`);
		expect([health.status, await health.text()]).toEqual([200, 'OK']);
	});

	it('gates start closed and open and close per canary', async () => {
		const {post} = await setup();
		const podinfo = {name: 'podinfo', namespace: 'apps'};
		expect(await post('/gate/check', podinfo)).toEqual({status: 403, body: 'Forbidden'});
		expect((await post('/gate/open', podinfo)).status).toBe(202);
		expect(await post('/gate/check', podinfo)).toEqual({status: 200, body: 'Approved'});
		expect(await post('/gate/check', {name: 'podinfo', namespace: 'test'})).toEqual({status: 403, body: 'Forbidden'});
		// The rollback gate is separate.
		expect(await post('/rollback/check', podinfo)).toEqual({status: 403, body: 'Forbidden'});
		expect((await post('/gate/close', podinfo)).status).toBe(202);
		expect(await post('/gate/check', podinfo)).toEqual({status: 403, body: 'Forbidden'});

		expect((await post('/rollback/open', podinfo)).status).toBe(202);
		expect(await post('/rollback/check', podinfo)).toEqual({status: 200, body: 'Approved'});
		expect(await post('/gate/check', podinfo)).toEqual({status: 403, body: 'Forbidden'});
		expect((await post('/rollback/close', podinfo)).status).toBe(202);
		expect(await post('/rollback/check', podinfo)).toEqual({status: 403, body: 'Forbidden'});
		expect(await post('/gate/check', 'nope')).toEqual({status: 400, body: ''});
	});
});

describe('rewriteUrls', () => {
	it('points known hosts at local listeners and leaves the rest', () => {
		const address: Address = {host: '127.0.0.1', port: 41234};
		const directory = directoryOf({'podinfo-canary.apps': [address], 'podinfo.apps': [{host: '127.0.0.1', port: 41000}]});
		expect(rewriteUrls(seedAcceptance, directory)).toBe("curl -sd 'test' http://127.0.0.1:41234/token | grep token");
		expect(rewriteUrls('curl https://podinfo.apps.svc.cluster.local:9898/healthz http://example.com/x', directory)).toBe('curl http://127.0.0.1:41000/healthz http://example.com/x');
	});
});
