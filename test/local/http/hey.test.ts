import {afterEach, describe, expect, it} from 'vitest';
import {realClock} from '../../../source/clock.js';
import {formatHeySummary, isHeyCommand, parseHeyCommand, runHey, type HeyOptions} from '../../../source/local/http/hey.js';
import {startPodServer, type PodServer} from '../../../source/local/http/podinfo-server.js';
import type {RequestRecord} from '../../../source/local/http/types.js';
import {directoryOf} from './helpers.js';

const servers: PodServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map(server => server.close()));
});

function options(command: string): HeyOptions {
	const parsed = parseHeyCommand(command);
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.options;
}

const error = (command: string) => {
	const parsed = parseHeyCommand(command);
	return parsed.ok ? undefined : parsed.error;
};

describe('parseHeyCommand', () => {
	it('reads the seed load test', () => {
		expect(options('hey -z 1m -q 10 -c 2 http://podinfo-canary.apps:9898/')).toEqual({
			url: 'http://podinfo-canary.apps:9898/',
			method: 'GET',
			headers: {'content-type': 'text/html', 'user-agent': 'hey/0.0.1'},
			requests: 200,
			concurrency: 2,
			qps: 10,
			durationMs: 60_000,
			timeoutMs: 20_000,
			disableKeepAlive: false,
		});
	});

	it('uses hey defaults and reads methods, headers, bodies and -flag=value', () => {
		expect(options('hey http://podinfo.apps/')).toMatchObject({requests: 200, concurrency: 50, qps: 0, durationMs: 0, method: 'GET'});
		expect(options(`hey -n=10 -c 5 -m post -H "X-Canary: insider" -H 'User-Agent: curl/8' -d '{"a":1}' -t 3 http://podinfo.apps/token`)).toMatchObject({
			requests: 10,
			concurrency: 5,
			method: 'POST',
			headers: {'x-canary': 'insider', 'user-agent': 'curl/8 hey/0.0.1'},
			body: '{"a":1}',
			timeoutMs: 3000,
		});
		expect(options('/usr/local/bin/hey -disable-keepalive -z 1m30s http://podinfo.apps/')).toMatchObject({disableKeepAlive: true, durationMs: 90_000});
	});

	it('reports hey errors', () => {
		expect(error('hey -n 1 -c 2 http://podinfo.apps/')).toBe('-n cannot be less than -c.');
		expect(error('hey -c 0 http://podinfo.apps/')).toBe('-n and -c cannot be smaller than 1.');
		expect(error('hey -z 1m -c 0 http://podinfo.apps/')).toBe('-c cannot be smaller than 1.');
		expect(error('hey -z 1m')).toBe('missing URL');
		expect(error('hey -y 1 http://podinfo.apps/')).toBe('flag provided but not defined: -y');
		expect(error('hey -n ten http://podinfo.apps/')).toBe('invalid value "ten" for flag -n: parse error');
		expect(error('hey -z 1x http://podinfo.apps/')).toContain('invalid duration');
		expect(error('hey -H nocolon http://podinfo.apps/')).toBe('could not parse the provided input; input = nocolon');
		expect(error('hey -c')).toBe('flag needs an argument: -c');
	});

	it('leaves anything that needs a shell to the shell', () => {
		expect(isHeyCommand('hey -z 1m http://podinfo.apps/')).toBe(true);
		expect(isHeyCommand('hey -z 1m http://podinfo.apps/ | tail -1')).toBe(false);
		expect(isHeyCommand('hey -z 1m http://podinfo.apps/ && echo done')).toBe(false);
		expect(isHeyCommand('hey -z 1m $URL')).toBe(false);
		expect(isHeyCommand('curl -s http://podinfo.apps/')).toBe(false);
		expect(isHeyCommand('heyo http://podinfo.apps/')).toBe(false);
		expect(parseHeyCommand('curl http://x/').ok).toBe(false);
	});
});

describe('runHey', () => {
	async function service(count: number) {
		const records: RequestRecord[] = [];
		const addresses = [];
		for (let i = 0; i < count; i++) {
			const server = await startPodServer({pod: `podinfo-${i}`, workload: 'podinfo', namespace: 'apps', version: '5.0.1', clock: realClock(1), record: record => records.push(record)});
			servers.push(server);
			addresses.push(server.address);
		}
		return {records, directory: directoryOf({'podinfo-canary.apps': addresses})};
	}

	it('-z 2s -q 10 -c 2 at speed 20 sends about 40 requests in 100 real ms, spread over the pods', async () => {
		const {records, directory} = await service(2);
		// A warm-up, so connection setup and JIT do not eat into 100 real ms.
		await runHey(options('hey -n 20 -c 2 http://podinfo-canary.apps:9898/'), {clock: realClock(20), directory});
		records.length = 0;
		const started = performance.now();
		const summary = await runHey(options('hey -z 2s -q 10 -c 2 http://podinfo-canary.apps:9898/'), {clock: realClock(20), directory});
		const elapsed = performance.now() - started;
		expect(summary.requests).toBeGreaterThanOrEqual(32);
		expect(summary.requests).toBeLessThanOrEqual(42);
		expect(summary.errors).toBe(0);
		expect(summary.responses[200]).toBe(summary.requests);
		expect(records).toHaveLength(summary.requests);
		expect(new Set(records.map(record => record.pod))).toEqual(new Set(['podinfo-0', 'podinfo-1']));
		expect(elapsed).toBeGreaterThanOrEqual(90);
		expect(elapsed).toBeLessThan(600);
		expect(formatHeySummary(summary, 2000)).toContain(`[200]\t${summary.requests} responses`);
	});

	it('-n sends n requests split over the workers, with method and body', async () => {
		const {records, directory} = await service(1);
		const summary = await runHey(options(`hey -n 10 -c 3 -m POST -d test http://podinfo-canary.apps.svc.cluster.local:9898/token`), {clock: realClock(20), directory});
		// Like hey, each worker sends n / c requests.
		expect(summary).toEqual({requests: 9, responses: {200: 9}, errors: 0});
		expect(records).toHaveLength(9);
	});

	it('counts errors for unknown hosts and stops when aborted', async () => {
		const {directory} = await service(1);
		const unknown = await runHey(options('hey -n 4 -c 2 http://nowhere.apps/'), {clock: realClock(20), directory});
		expect(unknown).toEqual({requests: 4, responses: {}, errors: 4});

		const controller = new AbortController();
		const started = performance.now();
		const run = runHey(options('hey -z 1h -q 10 -c 2 http://podinfo-canary.apps:9898/'), {clock: realClock(20), directory, signal: controller.signal});
		setTimeout(() => controller.abort(), 50);
		const summary = await run;
		expect(performance.now() - started).toBeLessThan(500);
		expect(summary.requests).toBeGreaterThan(0);
	});
});
