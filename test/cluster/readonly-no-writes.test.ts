/**
 * `canary-tui --readonly` never writes: the real binary (dist/cli.js) watches a canary that an
 * in-test Controller releases on the real API server, through the recording proxy
 * (test/support/api-proxy.ts), and the proxy sees nothing but GETs — no POST, PUT, PATCH or
 * DELETE. That includes the review APIs (SelfSubjectReview, SelfSubjectAccessReview): they
 * persist nothing, but they are `create` requests, and a read-only session has no reason to
 * send them (an auditor grepping the audit log for creates should find none).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiProxy} from '../support/api-proxy.js';
import {runCli as run} from '../support/cli-process.js';
import {detect, Harness, required, until} from './controller-harness.js';



const detected = await detect();
if (!detected.connection) console.warn(`!! SKIPPING the --readonly proof on a real API server: ${detected.reason}`);
describe.runIf(required && !detected.connection)('--readonly proof (required by CANARY_TUI_CLUSTER=1)', () => {
	it('has a cluster', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)('canary-tui --readonly sends no write to the API server', () => {
	let harness: Harness;
	let proxy: ApiProxy;

	beforeAll(async () => {
		harness = await Harness.start({
			connection: detected.connection!,
			prefix: 'obs-readonly',
			spec: seed => ({...seed, provider: 'kubernetes', progressDeadlineSeconds: 60, service: {port: 9898, targetPort: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 2}}),
		});
		proxy = await ApiProxy.start({kubeconfig: process.env.KUBECONFIG!, namespace: harness.namespace});
		await harness.waitPhase('Initialized', 90_000);
	}, 120_000);

	afterAll(async () => {
		await proxy?.close();
		await harness?.stop();
	}, 60_000);

	/** Each distinct request with how often it was sent, for failure messages. */
	const summary = () => {
		const counts = new Map<string, number>();
		for (const request of proxy.requests) {
			const line = `${request.method} ${request.path}${request.watch ? ' (watch)' : ''} → ${request.status ?? '-'}`;
			counts.set(line, (counts.get(line) ?? 0) + 1);
		}
		return [...counts].map(([line, count]) => `${count}× ${line}`).join('\n');
	};

	it('--once prints the canary and sends only GETs', async () => {
		proxy.clear();
		const {exited, out, err} = run(['--kubeconfig', proxy.kubeconfig, '-n', harness.namespace, '--readonly', '--once']);
		expect(await exited, err()).toBe(0);
		expect(out()).toContain('podinfo');
		expect(out()).toContain('Initialized');
		expect(proxy.requests.length).toBeGreaterThan(0);
		expect(proxy.writes(), summary()).toEqual([]);
		expect(new Set(proxy.requests.map(request => request.method))).toEqual(new Set(['GET']));
	});

	it('-o json stays read-only for a whole release driven by another controller', async () => {
		proxy.clear();
		const watcher = run(['--kubeconfig', proxy.kubeconfig, '-n', harness.namespace, '--readonly', '-o', 'json']);
		const started = Date.now();
		try {
			await until('the read-only instance to watch canaries', 30_000, () => proxy.requests.some(request => request.watch && request.resource === 'canaries'), () => `${watcher.err()}\n${summary()}`);
			await harness.setImage('ghcr.io/stefanprodan/podinfo:5.0.1');
			await harness.waitPhase('Progressing', 60_000);
			await harness.waitPhase('Succeeded', 150_000);
			expect(harness.phases.slice(harness.phases.indexOf('Progressing'))).toEqual(['Progressing', 'Promoting', 'Finalising', 'Succeeded']);
		} finally {
			watcher.child.kill('SIGTERM');
		}
		expect(await watcher.exited, watcher.err()).toBe(0);
		// Still Succeeded: nothing the read-only instance did moved the canary.
		expect(await harness.phase()).toBe('Succeeded');
		expect(proxy.writes(), summary()).toEqual([]);
		const verbs = new Set(proxy.requests.filter(request => request.resource !== undefined).map(request => request.verb));
		expect([...verbs].every(verb => ['get', 'list', 'watch'].includes(verb)), [...verbs].join(', ')).toBe(true);
		expect(proxy.verbs()).toEqual(expect.arrayContaining(['list flagger.app/canaries', 'watch flagger.app/canaries']));
		const minutes = (Date.now() - started) / 60_000;
		console.info(`a read-only instance sent ${(proxy.requests.length / minutes).toFixed(1)} requests per minute over ${minutes.toFixed(1)} min:\n${summary()}`);
		// Every line it printed is JSON (NDJSON for scripts).
		for (const line of watcher.out().split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
	}, 300_000);
});
