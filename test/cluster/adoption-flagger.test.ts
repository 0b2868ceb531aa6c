/**
 * Adopting a canary Flagger left behind, on the real API server: the Canary's status carries
 * Flagger's hashes (phase Succeeded), and podinfo-primary, the three services and the target at
 * zero are as Flagger's last promotion left them. `canary-tui controller` re-baselines the
 * hashes with one "Adopted" event and starts no release: no "New revision detected", no write to
 * the primary or the services. About 30 seconds.
 */
import {updateWithRetry} from '../../source/kube/update-with-retry.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {primaryPodTemplate} from '../../source/core/workloads/primary-template.js';
import {detect, required, sleep, until} from './controller-harness.js';
import {controllerProcess, eventCount, scratchNamespace, type CliProcess} from './leader-processes.js';

const detected = await detect();
describe.runIf(required && !detected.connection)('adoption (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const flaggerHash = '85d557f47b';

describe.skipIf(!detected.connection)(`adopting a Flagger canary on a real API server${detected.reason ? ` (SKIPPED: ${detected.reason})` : ''}`, () => {
	let scratch: Awaited<ReturnType<typeof scratchNamespace>>;
	let controller: CliProcess | undefined;

	beforeAll(async () => {
		scratch = await scratchNamespace(detected.connection!, 'adopt');
		const {admin, namespace} = scratch;
		// The deployment controller writes the new Deployment's status meanwhile: retry on conflicts.
		const scaled = await updateWithRetry(admin, 'Deployment', namespace, 'podinfo', object => (object.spec.replicas = 0));
		expect(scaled.ok).toBe(true);
		const target = (await scratch.get('Deployment', 'podinfo'))!;
		const mapped = primaryPodTemplate(target.spec.template, 'app', 'podinfo', []);
		await scratch.create({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'podinfo-primary', labels: {app: 'podinfo-primary'}},
			spec: {
				replicas: 2,
				minReadySeconds: 3,
				selector: {matchLabels: {app: 'podinfo-primary'}},
				template: {...mapped, metadata: {...mapped.metadata, annotations: {...mapped.metadata.annotations, 'flagger-id': '0d8a2f7e-5c1b-4f0e-9a53-7f6b1f2f9c11'}}},
			},
		});
		const ports = [{name: 'http', protocol: 'TCP', port: 9898, targetPort: 9898}];
		for (const [name, app] of [['podinfo', 'podinfo-primary'], ['podinfo-primary', 'podinfo-primary'], ['podinfo-canary', 'podinfo']] as const) {
			await scratch.create({apiVersion: 'v1', kind: 'Service', metadata: {name, labels: {app: name}}, spec: {type: 'ClusterIP', selector: {app}, ports}});
		}
		const canary = await scratch.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo'},
			spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898, targetPort: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 2}},
		});
		const time = '2026-01-01T00:00:00Z';
		await admin.updateStatus({
			...canary,
			status: {
				phase: 'Succeeded',
				failedChecks: 0,
				canaryWeight: 0,
				iterations: 0,
				lastAppliedSpec: flaggerHash,
				lastPromotedSpec: flaggerHash,
				lastTransitionTime: time,
				conditions: [{type: 'Promoted', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason: 'Succeeded', message: 'Canary analysis completed successfully, promotion finished.'}],
			},
		});
		await until('the Flagger-made primary is available', 60_000, async () => (await scratch.get('Deployment', 'podinfo-primary'))?.status?.availableReplicas === 2);
	}, 120_000);

	afterAll(async () => {
		await controller?.stop('SIGKILL');
		await scratch?.drop();
	}, 60_000);

	it('re-baselines the hashes with one Normal event; no release, no write to the primary or the services', async () => {
		const {namespace, admin} = scratch;
		const versions = async () =>
			Object.fromEntries(await Promise.all(['podinfo-primary', 'podinfo'].map(async name => [`deployment/${name}`, (await scratch.get('Deployment', name))?.metadata.resourceVersion]).concat(
				['podinfo', 'podinfo-primary', 'podinfo-canary'].map(async name => [`service/${name}`, (await scratch.get('Service', name))?.metadata.resourceVersion]),
			)));
		const before = await versions();
		controller = controllerProcess(namespace);
		const adopted = `Adopted podinfo.${namespace}: podinfo-primary already runs the target's template; revision hashes re-baselined without a release`;
		await until('Adopted', 30_000, () => controller!.messages().includes(adopted), () => controller!.out() + controller!.err());
		// Two more ticks (10s interval) in which a release would have started.
		await sleep(1000);
		const adoptedAt = Date.now();
		await until('two more ticks', 30_000, () => Date.now() - adoptedAt > 21_000);

		const status = (await scratch.get('Canary', 'podinfo'))!.status;
		expect(status.phase).toBe('Succeeded');
		expect(status.lastAppliedSpec).not.toBe(flaggerHash);
		expect(status.lastPromotedSpec).toBe(status.lastAppliedSpec);
		expect(controller.messages().filter(message => message.includes('New revision detected') || message.includes('Starting canary analysis'))).toEqual([]);
		expect(await versions()).toEqual(before);
		const events = await admin.list('Event', namespace);
		expect(eventCount(events, adopted)).toBe(1);
		expect(eventCount(events, /New revision detected/)).toBe(0);

		// The controller's endpoint (its URL is in the start line): healthy, and Flagger's metrics.
		const url = /on (http:\/\/127\.0\.0\.1:\d+)$/.exec(controller.messages().find(message => message.startsWith('Starting canary-tui controller'))!)![1]!;
		const health = await fetch(`${url}/healthz`);
		expect([health.status, (await health.text()).trim()]).toEqual([200, 'ok']);
		const metrics = await (await fetch(`${url}/metrics`)).text();
		expect(metrics).toContain(`flagger_canary_status{name="podinfo",namespace="${namespace}"} 1`);
		expect(metrics).toContain(`canary_tui_canary_phase{name="podinfo",namespace="${namespace}",target="podinfo",phase="Succeeded"} 1`);
		expect(await controller.stop('SIGTERM')).toBe(0);
	}, 90_000);
});
