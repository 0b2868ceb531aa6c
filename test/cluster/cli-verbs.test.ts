// The scripting verbs as CI runs them: the real binary (dist/cli.js) against the real API server.
// `get` prints what `kubectl get canary` prints and `get -w` a line per change; `promote` from
// the CLI is carried out by the controller (an in-test Controller) with an Event naming the
// requester, and refused with the reason when nothing is in progress; `wait` exits 0 on a
// promotion and 1 on a rollback; `logs` prints the Flagger messages in order.
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {runCli as run} from '../support/cli-process.js';
import {detect, Harness, required, until, WebhookServer} from './controller-harness.js';

const script = new URL('../../scripts/local-cluster.sh', import.meta.url).pathname;

const kubectl = async (...args: string[]) => (await promisify(execFile)(script, ['kubectl', ...args], {env: process.env})).stdout;

const detected = await detect();
if (!detected.connection) console.warn(`!! SKIPPING the CLI verbs on a real API server: ${detected.reason}`);
describe.runIf(required && !detected.connection)('CLI verbs (required by CANARY_TUI_CLUSTER=1)', () => {
	it('has a cluster', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)('canary-tui get on the real API server', () => {
	const namespace = `cv-get-${randomBytes(3).toString('hex')}`;
	let store: KubeStore;
	// Suspended, so that no controller running elsewhere on the cluster touches them.
	const canary = (name: string, analysis: Record<string, unknown>): KubeObject => ({
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name, namespace},
		spec: {suspend: true, targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name}, service: {port: 9898}, analysis},
	});
	const setStatus = async (name: string, status: Record<string, unknown>) => {
		const current = (await store.get('Canary', namespace, name))!;
		await store.updateStatus({...current, status: {...current.status, ...status}});
	};

	beforeAll(async () => {
		store = new KubeStore({kc: detected.connection!.kc});
		await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		await store.create(canary('podinfo', {interval: '10s', threshold: 2, stepWeights: [5, 10], maxWeight: 50, mirror: true}));
		await store.create(canary('backend', {interval: '1m', threshold: 5, stepWeight: 20}));
		await setStatus('podinfo', {phase: 'Progressing', canaryWeight: 10, failedChecks: 1, iterations: 0, lastAppliedSpec: 'a', lastPromotedSpec: 'b', lastTransitionTime: '2026-11-26T16:00:00Z'});
	});

	afterAll(async () => {
		await store?.delete('Namespace', '', namespace).catch(() => {});
		await store?.close();
	});

	it('prints the same table as kubectl get canary, and with -o wide', async () => {
		for (const wide of [[], ['-o', 'wide']]) {
			const ours = run(['get', '-n', namespace, ...wide]);
			expect(await ours.exited, ours.err()).toBe(0);
			expect(ours.out()).toBe(await kubectl('get', 'canary', '-n', namespace, ...wide));
		}
		const one = run(['get', 'podinfo', '-n', namespace, '-o', 'wide']);
		expect(await one.exited).toBe(0);
		expect(one.out()).toBe(await kubectl('get', 'canary', 'podinfo', '-n', namespace, '-o', 'wide'));
	});

	it('prints the objects as kubectl does with -o json and -o yaml', async () => {
		for (const format of ['json', 'yaml']) {
			const ours = run(['get', '-n', namespace, '-o', format]);
			expect(await ours.exited, ours.err()).toBe(0);
			expect(ours.out()).toBe(await kubectl('get', 'canary', '-n', namespace, '-o', format));
		}
	});

	it('names a canary that does not exist in one line, exit 2', async () => {
		const missing = run(['get', 'nope', '-n', namespace]);
		expect(await missing.exited).toBe(2);
		expect(missing.err().trim()).toBe(`canary-tui: canary "nope" not found in namespace "${namespace}"`);
	});

	it('promote with no controller running: exit 3, and the request stays on the Canary with how to withdraw it', async () => {
		const promote = run(['promote', 'podinfo', '-n', namespace, '--timeout', '2s']);
		expect(await promote.exited, promote.err()).toBe(3);
		expect(promote.err()).toContain(`kubectl annotate canary podinfo -n ${namespace} canary-tui.io/request-`);
		const request = JSON.parse((await store.get('Canary', namespace, 'podinfo'))!.metadata.annotations!['canary-tui.io/request']!);
		expect(request).toMatchObject({action: 'promote', requester: detected.connection!.user});
		const again = run(['rollback', 'podinfo', '-n', namespace, '--timeout', '2s']);
		expect(await again.exited).toBe(1);
		expect(again.err()).toContain(`a promote request by ${detected.connection!.user}`);
		const readonly = run(['pause', 'backend', '-n', namespace, '--readonly']);
		expect(await readonly.exited).toBe(2);
		expect(readonly.err()).toContain('--readonly never writes');
		expect((await store.get('Canary', namespace, 'backend'))!.metadata.annotations?.['canary-tui.io/request']).toBeUndefined();
		await kubectl('annotate', 'canary', 'podinfo', '-n', namespace, 'canary-tui.io/request-');
	});

	it('-w prints the table, then one line per change of what a row shows, and exits 0 on SIGINT', async () => {
		const watch = run(['get', '-n', namespace, '-w']);
		try {
			await until('the first table', 30_000, () => watch.lines().length >= 3, watch.err);
			expect(watch.lines()[0]).toMatch(/^NAME\s+STATUS\s+WEIGHT\s+LASTTRANSITIONTIME$/);
			await setStatus('podinfo', {canaryWeight: 20, lastTransitionTime: '2026-11-26T16:01:00Z'});
			await until('the weight 20 row', 30_000, () => watch.lines().length >= 4, watch.out);
			// An annotation changes no column: no line.
			const podinfo = (await store.get('Canary', namespace, 'podinfo'))!;
			await store.update({...podinfo, metadata: {...podinfo.metadata, annotations: {note: 'no column shows this'}}});
			await setStatus('podinfo', {phase: 'Promoting', canaryWeight: 0, lastTransitionTime: '2026-11-26T16:02:00Z'});
			await setStatus('backend', {phase: 'Succeeded', canaryWeight: 0, lastTransitionTime: '2026-11-26T16:03:00Z'});
			await until('two more rows', 30_000, () => watch.lines().length >= 6, watch.out);
			await new Promise(resolve => setTimeout(resolve, 500));
			const changes = watch.lines().slice(3).map(line => line.split(/\s+/).slice(0, 3));
			expect(changes).toEqual([
				['podinfo', 'Progressing', '20'],
				['podinfo', 'Promoting', '0'],
				['backend', 'Succeeded', '0'],
			]);
			expect(watch.out()).not.toContain('\u001B');
		} finally {
			watch.child.kill('SIGINT');
		}
		expect(await watch.exited, watch.err()).toBe(0);
	});
});

describe.skipIf(!detected.connection)('promote, wait and logs with a controller driving the canary', () => {
	let harness: Harness;
	const user = detected.connection?.user;
	const webhooks = new WebhookServer();
	/** The confirm-promotion gate stays closed (403) so the release waits for a manual promotion. */
	let failLoad = false;

	beforeAll(async () => {
		await webhooks.start();
		webhooks.answer = body => {
			const hook = body?.metadata?.hook;
			if (hook === 'gate') return {status: 403, body: 'closed'};
			return failLoad ? {status: 500, body: 'load test failed'} : {status: 200, body: 'ok'};
		};
		harness = await Harness.start({
			connection: detected.connection!,
			prefix: 'cv-verbs',
			spec: seed => ({
				...seed,
				provider: 'kubernetes',
				progressDeadlineSeconds: 60,
				service: {port: 9898, targetPort: 9898},
				analysis: {
					interval: '5s',
					threshold: 2,
					iterations: 2,
					webhooks: [
						{name: 'gate', type: 'confirm-promotion', url: webhooks.url, metadata: {hook: 'gate'}},
						{name: 'load', type: 'rollout', url: webhooks.url, metadata: {hook: 'load'}},
					],
				},
			}),
		});
		await harness.waitPhase('Initialized', 90_000);
	}, 120_000);

	afterAll(async () => {
		await harness?.stop();
		await webhooks.stop();
	}, 60_000);

	it('promote with nothing in progress is refused with the reason, exit 1', async () => {
		const promote = run(['promote', 'podinfo', '-n', harness.namespace]);
		expect(await promote.exited, promote.err()).toBe(1);
		expect(promote.err()).toContain(`Manual promotion of ${harness.key} requested by ${user} refused: no analysis in progress (Initialized)`);
		expect((await harness.get('Canary', 'podinfo'))?.metadata.annotations?.['canary-tui.io/request']).toBeUndefined();
	});

	it('wait --for=promoted ignores the previous revision, and exits 0 once a CLI promote finishes the release', async () => {
		await harness.setImage('ghcr.io/stefanprodan/podinfo:5.0.1');
		// Started right after the apply: the status still says Initialized for the old template.
		const wait = run(['wait', 'podinfo', '-n', harness.namespace, '--for=promoted', '--timeout', '4m']);
		await harness.waitPhase('WaitingPromotion', 120_000);
		expect(wait.child.exitCode).toBeNull();
		const promote = run(['promote', 'podinfo', '-n', harness.namespace]);
		expect(await promote.exited, promote.err()).toBe(0);
		expect(promote.out().trim()).toBe(`Manual promotion of ${harness.key} requested by ${user}`);
		const events = await harness.writtenEvents();
		expect(events.map(event => (event as any).message)).toContain(`Manual promotion of ${harness.key} requested by ${user}`);
		expect(await wait.exited, wait.err()).toBe(0);
		expect(await harness.phase()).toBe('Succeeded');
		// One line per phase it saw, on stderr.
		const seen = wait.err().split('\n').flatMap(line => /^\S+ podinfo\.[\w-]+: ([A-Z]\w+)( \(weight \d+\))?$/.exec(line)?.[1] ?? []);
		expect(seen[0]).toBe('Initialized');
		expect(seen).toEqual(expect.arrayContaining(['WaitingPromotion', 'Succeeded']));
		expect(new Set(seen).size).toBe(seen.length);
	}, 300_000);

	it('wait --for=promoted exits 1 when the next release is rolled back (a webhook answering 500)', async () => {
		failLoad = true;
		const follow = run(['logs', 'podinfo', '-n', harness.namespace, '-f', '-o', 'json']);
		await until('logs -f to print the history', 30_000, () => follow.lines().length > 0, follow.err);
		const history = follow.lines().length;
		await harness.setImage('ghcr.io/stefanprodan/podinfo:5.0.2');
		const wait = run(['wait', 'podinfo', '-n', harness.namespace, '--for=promoted', '--timeout', '4m']);
		expect(await wait.exited, wait.err()).toBe(1);
		// logs -f printed the release as it happened, with the canary's status alongside.
		const failedLine = await until('logs -f to print Canary failed!', 30_000, () =>
			follow.lines().slice(history).map(line => JSON.parse(line)).find(line => line.msg === `Canary failed! Scaling down ${harness.key}`),
		);
		expect(failedLine.phase).toEqual(expect.any(String));
		expect(follow.lines().slice(history).map(line => JSON.parse(line).msg)).toContain(`New revision detected! Scaling up ${harness.key}`);
		follow.child.kill('SIGTERM');
		expect(await follow.exited, follow.err()).toBe(0);
		expect(await harness.phase()).toBe('Failed');
		expect(wait.err()).toContain(`${harness.key} failed (waited for promoted)`);
		const failed = run(['wait', 'podinfo', '-n', harness.namespace, '--for=failed', '--timeout', '30s']);
		expect(await failed.exited, failed.err()).toBe(0);
	}, 300_000);

	it('logs prints the Flagger messages of both releases in order (repeats merged by the correlator once, with their count), as text and JSON lines', async () => {
		// `wait` returned on the Failed status, which Flagger writes before "Canary failed!": let
		// that Event reach the API server before taking the snapshot.
		await until('the Canary failed! Event', 30_000, async () => (await harness.writtenEvents()).some(event => String((event as any).message).startsWith('Canary failed!')));
		const logs = run(['logs', 'podinfo', '-n', harness.namespace]);
		expect(await logs.exited, logs.err()).toBe(0);
		const lines = logs.lines();
		const ns = harness.namespace;
		const milestones = [
			`Initialization done! podinfo.${ns}`,
			`Manual promotion of podinfo.${ns} requested by ${user}`,
			`Promotion completed! Scaling down podinfo.${ns}`,
			`Rolling back podinfo.${ns} failed checks threshold reached 2`,
			`Canary failed! Scaling down podinfo.${ns}`,
		];
		const at = milestones.map(message => lines.findIndex(line => line.startsWith(message)));
		expect(at.every(index => index >= 0), lines.join('\n')).toBe(true);
		expect([...at].sort((a, b) => a - b)).toEqual(at);
		// Both releases said it: the event correlator merged them into one Event, shown at its last time.
		expect(lines).toContain(`New revision detected! Scaling up podinfo.${ns} (x2)`);
		const json = run(['logs', 'podinfo', '-n', ns, '-o', 'json']);
		expect(await json.exited).toBe(0);
		const parsed = json.lines().map(line => JSON.parse(line));
		expect(parsed.map(line => line.msg)).toEqual(lines.map(line => line.replace(/ \(x\d+\)$/, '')));
		for (const line of parsed) expect(Object.keys(line).slice(0, 8)).toEqual(['ts', 'level', 'msg', 'canary', 'phase', 'weight', 'failedChecks', 'iterations']);
	});
});
