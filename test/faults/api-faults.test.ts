/**
 * API server faults between the controller (`canary-tui -n NS -o json`, a real process) and
 * kube-apiserver, injected by test/support/api-proxy.ts while releases run: a burst of 503s,
 * 409 Conflicts on every write, dropped connections, 10 s stalls, and all along watches cut
 * mid-stream and refused with 410 Gone.
 * Each release must still end as it would have (release-history.ts); what the user saw
 * meanwhile (stderr lines, Warning events) is printed.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {detect, sleep, until} from '../cluster/controller-harness.js';
import {ensureBuilt} from '../e2e/helpers.js';
import {ApiProxy, type Fault, type ProxiedRequest} from '../support/api-proxy.js';
import {ControllerProcess} from './controller-process.js';
import {failsAt40, ReleaseFixture, succeeds} from './release-fixture.js';

const cluster = await detect();

type Window = {name: string; ms: number; fault: (request: ProxiedRequest) => Fault};
const writes = new Set(['create', 'update', 'patch', 'delete']);
/**
 * One after the other once the release is Progressing, each longer than the 10 s interval so
 * that a tick meets it, with a 3 s pause between them; watches are never hit here (see base).
 */
const schedule: Window[] = [
	{name: '503 on every request', ms: 12_000, fault: () => ({status: 503})},
	{name: '409 Conflict on every write', ms: 12_000, fault: r => (writes.has(r.verb) ? {status: 409} : 'pass')},
	{name: 'connections dropped unanswered', ms: 12_000, fault: () => 'drop'},
	{name: 'every request stalled 10 s', ms: 12_000, fault: () => ({stallMs: 10_000})},
];
/** All along the release: every watch is cut 2–6 s after it starts, and every third one is refused with 410 Gone. */
function base(request: ProxiedRequest, counter: {watches: number}): Fault {
	if (!request.watch) return 'pass';
	counter.watches++;
	if (counter.watches % 3 === 0) return {status: 410};
	return {dropAfterMs: 2000 + ((counter.watches * 1237) % 4000)};
}

describe.skipIf(!cluster.connection)(`API faults through a proxy${cluster.reason ? ` (SKIPPED: ${cluster.reason})` : ''}`, () => {
	const fixture = new ReleaseFixture(cluster.connection!, 'fault-api');
	let proxy: ApiProxy;
	let controller: ControllerProcess;
	const counter = {watches: 0};

	beforeAll(async () => {
		await ensureBuilt();
		await fixture.start();
		proxy = await ApiProxy.start({kubeconfig: process.env['KUBECONFIG']!, namespace: fixture.namespace, fault: request => base(request, counter)});
		controller = new ControllerProcess(['-n', fixture.namespace, '-o', 'json'], {KUBECONFIG: proxy.kubeconfig});
		controller.start();
		await until('Initialized', 120_000, () => fixture.phase() === 'Initialized', () => controller.stderr());
	}, 180_000);

	afterAll(async () => {
		await controller?.close();
		await proxy?.close();
		await fixture.stop();
	}, 60_000);

	for (const expected of [succeeds, failsAt40]) {
		it(`a release that ${expected.outcome === 'Succeeded' ? 'succeeds' : 'fails at weight 40'} ends as it would have`, async () => {
			const seen: string[] = [];
			const first = proxy.requests.length;
			const problems = await fixture.release(expected, async ended => {
				await until('Progressing', 60_000, () => fixture.phase() === 'Progressing');
				for (const window of schedule) {
					if (ended()) break;
					const before = {stderr: controller.stderr().length, events: controller.events().length, requests: proxy.requests.length};
					proxy.fault = request => (request.watch ? base(request, counter) : window.fault(request));
					await sleep(window.ms);
					proxy.fault = request => base(request, counter);
					const injected = proxy.requests.slice(before.requests).filter(r => r.fault !== 'pass').length;
					await sleep(3000);
					const stderr = controller.stderr().slice(before.stderr).trim().split('\n').filter(Boolean);
					const warnings = controller.events().slice(before.events).filter(e => e['type'] === 'Warning').map(e => String(e['msg']));
					seen.push(`${window.name} (${injected} requests hit, at ${fixture.statuses.at(-1)?.phase}@${fixture.statuses.at(-1)?.canaryWeight}): stderr ${JSON.stringify([...new Set(stderr)].slice(0, 3))}; warnings ${JSON.stringify([...new Set(warnings)].slice(0, 3))}`);
				}
			});
			const watches = proxy.requests.slice(first).filter(r => r.watch);
			seen.push(`all along: ${watches.length} watch requests, ${watches.filter(r => r.fault === 'dropAfter').length} cut mid-stream, ${watches.filter(r => r.status === 410).length} refused with 410 Gone`);
			console.info(`${expected.outcome} release under API faults:\n  ${seen.join('\n  ')}`);
			expect(problems, controller.stderr()).toEqual([]);
			expect(controller.instances).toHaveLength(1);
			expect(controller.current!.child.exitCode, 'the controller kept running').toBeNull();
		}, 600_000);
	}
});
