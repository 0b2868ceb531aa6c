// A rollout webhook that first refuses with a hostile body (ANSI escapes, C1 and BEL) and then
// hangs past its 2s timeout, against `canary-tui -n NS -o json` on the real API server: the
// ticks go on every interval, the failures are Flagger's messages, the JSON lines carry the
// body escaped (never raw), and the release rolls back at the threshold.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KubeStore} from '../../source/kube/kube-store.js';
import {detect, fixture, until} from '../cluster/controller-harness.js';
import {ensureBuilt} from '../e2e/helpers.js';
import {ControllerProcess} from './controller-process.js';
import {GateWebhook} from './gate-webhook.js';
import {setImage} from './release-fixture.js';

const cluster = await detect();
const hostileBody = 'denied\u001b[2J\u009b31m\u0007 by policy';

describe.skipIf(!cluster.connection)(`a webhook hanging past its timeout${cluster.reason ? ` (SKIPPED: ${cluster.reason})` : ''}`, () => {
	const namespace = `fault-hook-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
	const key = `podinfo.${namespace}`;
	let store: KubeStore;
	let controller: ControllerProcess;
	let calls = 0;
	const gate = new GateWebhook(() => (++calls === 1 ? {status: 403, body: hostileBody} : 'hang'));

	beforeAll(async () => {
		await ensureBuilt();
		await gate.start();
		store = new KubeStore({kc: cluster.connection!.kc});
		await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		const [deployment] = fixture('deployment.yaml');
		await store.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		await store.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace},
			spec: {
				provider: 'kubernetes',
				progressDeadlineSeconds: 60,
				targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
				service: {port: 9898},
				analysis: {interval: '10s', threshold: 2, iterations: 5, webhooks: [{name: 'gate', type: 'rollout', url: gate.url, timeout: '2s'}]},
			},
		});
		controller = new ControllerProcess(['-n', namespace, '-o', 'json'], {KUBECONFIG: process.env['KUBECONFIG']});
		controller.start();
	}, 120_000);

	afterAll(async () => {
		await controller?.close();
		await gate.stop();
		await store?.delete('Namespace', '', namespace).catch(() => {});
		await store?.close();
	}, 60_000);

	it('goes on ticking, reports the timeout as Flagger does and rolls back at the threshold', async () => {
		const messages = () => controller.events().map(event => String(event['msg']));
		await until('Initialization done!', 120_000, () => messages().includes(`Initialization done! ${key}`), () => controller.stderr());
		await setImage(store, namespace, 'ghcr.io/stefanprodan/podinfo:5.0.1');
		await until('Canary failed!', 150_000, () => messages().includes(`Canary failed! Scaling down ${key}`), () => `${messages().join('\n')}\n${controller.stderr()}`);

		const events = controller.events();
		const halts = events.filter(event => String(event['msg']).startsWith(`Halt ${key} advancement external check gate failed`));
		expect(halts.map(event => event['msg'])).toEqual([
			`Halt ${key} advancement external check gate failed ${hostileBody}`,
			`Halt ${key} advancement external check gate failed POST ${gate.url} giving up after 1 attempt(s): Post "${gate.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
		]);
		expect(halts.map(event => event['failedChecks']), 'failedChecks at each halt (before it counts)').toEqual([0, 1]);
		expect(messages().slice(-2)).toEqual([`Rolling back ${key} failed checks threshold reached 2`, `Canary failed! Scaling down ${key}`]);

		// The hanging call held its tick for the timeout only: the next tick came one interval later.
		const times = events.map(event => Date.parse(String(event['ts'])));
		const hung = events.indexOf(halts[1]!);
		const next = times.findIndex((time, i) => i > hung && time > times[hung]! + 1000);
		const gap = (times[next]! - times[hung]!) / 1000;
		expect(gap, 'seconds from the timeout to the next tick').toBeGreaterThan(5);
		expect(gap, 'seconds from the timeout to the next tick').toBeLessThan(15);

		// What reached stdout: the body escaped, never raw.
		const raw = controller.instances.map(instance => instance.stdout).join('');
		expect(raw).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expect(raw).toContain('denied\\u001b[2J\\u009b31m\\u0007 by policy');
		// The event comes before the status write that ends the tick.
		const status = await until('status Failed', 20_000, async () => {
			const s = (await store.get('Canary', namespace, 'podinfo'))!.status;
			return s?.phase === 'Failed' && s;
		});
		expect(status).toMatchObject({phase: 'Failed', canaryWeight: 0, failedChecks: 0});
	}, 300_000);
});
