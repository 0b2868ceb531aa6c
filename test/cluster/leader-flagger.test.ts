/**
 * A running Flagger drives the canaries: canary-tui shows them read-only and says why, instead
 * of fighting it. A stand-in Flagger Deployment (Flagger's image, kwok makes it available)
 * watches only this test's namespace (`-namespace=<ns>`), so nobody else's canaries are
 * affected. Once it is gone, the leader drives the canary. About a minute.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {detect, required, sleep, until} from './controller-harness.js';
import {CliProcess, controllerProcess, scratchNamespace} from './leader-processes.js';

const detected = await detect();
describe.runIf(required && !detected.connection)('Flagger coexistence (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)(`a running Flagger on a real API server${detected.reason ? ` (SKIPPED: ${detected.reason})` : ''}`, () => {
	let scratch: Awaited<ReturnType<typeof scratchNamespace>>;
	let controller: CliProcess | undefined;

	beforeAll(async () => {
		scratch = await scratchNamespace(detected.connection!, 'leader-fl');
		const {namespace} = scratch;
		await scratch.create({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'flagger', labels: {app: 'flagger'}},
			spec: {
				replicas: 1,
				selector: {matchLabels: {app: 'flagger'}},
				template: {
					metadata: {labels: {app: 'flagger'}},
					spec: {containers: [{name: 'flagger', image: 'ghcr.io/fluxcd/flagger:1.38.0', command: ['./flagger'], args: ['-log-level=info', `-namespace=${namespace}`, '-mesh-provider=kubernetes']}]},
				},
			},
		});
		await scratch.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo'},
			spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 1}},
		});
		await until('the stand-in Flagger is available', 60_000, async () => (await scratch.get('Deployment', 'flagger'))?.status?.availableReplicas === 1);
	}, 120_000);

	afterAll(async () => {
		await controller?.stop('SIGKILL');
		await scratch?.drop();
	}, 60_000);

	it('the dashboard header says Flagger drives these canaries; the controller leaves them alone, then drives once Flagger is gone', async () => {
		const {namespace, admin} = scratch;
		// --once prints one frame, as wide as COLUMNS says when stdout is not a terminal.
		const once = new CliProcess(['-n', namespace, '--once', '--ascii', '--no-color'], {COLUMNS: '160'});
		expect(await once.exited).toBe(0);
		expect(once.out().split('\n').find(line => line.includes('canary-tui'))).toContain(`Flagger ${namespace}/flagger drives these canaries; read-only`);

		controller = controllerProcess(namespace);
		const noticed = `Flagger ${namespace}/flagger is running (watches ${namespace}): its canaries are read-only here`;
		await until('the controller notices Flagger', 20_000, () => controller!.messages().includes(noticed), () => controller!.out() + controller!.err());
		await until('the lease', 10_000, () => controller!.messages().some(message => message.startsWith('successfully acquired lease')));
		// Leader, yet more than one interval later the canary is untouched.
		await sleep(1000);
		const from = Date.now();
		await until('12 seconds', 20_000, () => Date.now() - from > 12_000);
		expect((await scratch.get('Canary', 'podinfo'))?.status).toBeUndefined();
		expect(await scratch.get('Deployment', 'podinfo-primary')).toBeUndefined();

		await admin.delete('Deployment', namespace, 'flagger');
		// The next scan (every 30s) finds no Flagger: the leader starts driving.
		await until('Initialized after Flagger left', 90_000, async () => (await scratch.get('Canary', 'podinfo'))?.status?.phase === 'Initialized', () => controller!.messages().slice(-5).join(' | '));
		expect(await controller.stop('SIGTERM')).toBe(0);
	}, 180_000);
});
