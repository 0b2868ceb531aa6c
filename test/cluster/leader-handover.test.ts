/**
 * One driver, many viewers, on the real API server: two `canary-tui controller -n NS`
 * processes, one leader. Mid-release (after the first weight step), the leader is killed with
 * SIGKILL; the other takes the Lease within its duration and finishes the release from the
 * Canary's status and the routes: every weight step once (status, HTTPRoute and Events), one
 * promotion. Gateway API router, webhooks only, 10s interval: about 2–3 minutes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {leaseName} from '../../source/commands/cluster-runtime.js';
import {detect, required, until, WebhookServer} from './controller-harness.js';
import {controllerProcess, eventCount, scratchNamespace, type CliProcess} from './leader-processes.js';

const detected = await detect();
describe.runIf(required && !detected.connection)('leader handover (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const weights = (route: KubeObject) => {
	const refs: any[] = route.spec?.rules?.[0]?.backendRefs ?? [];
	return [refs.find(ref => ref.name.endsWith('-primary'))?.weight, refs.find(ref => ref.name.endsWith('-canary'))?.weight];
};

describe.skipIf(!detected.connection)(`leader handover on a real API server${detected.reason ? ` (SKIPPED: ${detected.reason})` : ''}`, () => {
	let scratch: Awaited<ReturnType<typeof scratchNamespace>>;
	let watcher: KubeStore;
	const webhooks = new WebhookServer();
	const processes: CliProcess[] = [];
	const statuses: Array<{phase?: string; canaryWeight?: number}> = [];
	const routes: Array<Array<number | undefined>> = [];

	beforeAll(async () => {
		scratch = await scratchNamespace(detected.connection!, 'leader-ho');
		const {namespace} = scratch;
		await webhooks.start();
		await scratch.create({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'gw'}, spec: {gatewayClassName: 'none', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}});
		watcher = new KubeStore({kc: detected.connection!.kc, namespace, kinds: ['Canary', 'HTTPRoute']});
		watcher.watch(({object}) => {
			if (object.kind === 'Canary') {
				const next = {phase: object.status?.phase, canaryWeight: object.status?.canaryWeight};
				if (JSON.stringify(next) !== JSON.stringify(statuses.at(-1))) statuses.push(next);
			} else if (object.metadata.name === 'podinfo') {
				const next = weights(object);
				if (JSON.stringify(next) !== JSON.stringify(routes.at(-1))) routes.push(next);
			}
		});
		await watcher.synced();
		await scratch.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo'},
			spec: {
				provider: 'gatewayapi:v1',
				targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
				progressDeadlineSeconds: 60,
				service: {port: 9898, targetPort: 9898, gatewayRefs: [{name: 'gw', namespace}]},
				analysis: {
					interval: '10s',
					threshold: 2,
					stepWeight: 20,
					maxWeight: 60,
					webhooks: [
						{name: 'acceptance-test', type: 'pre-rollout', url: webhooks.url, timeout: '5s'},
						{name: 'load-test', url: webhooks.url, timeout: '5s'},
					],
				},
			},
		});
	}, 60_000);

	afterAll(async () => {
		for (const child of processes) await child.stop('SIGKILL');
		await watcher?.close();
		await webhooks.stop();
		await scratch?.drop();
	}, 60_000);

	it('kill -9 of the leader mid-release: the other takes over within the lease duration and finishes it, no step repeated or skipped, one promotion', async () => {
		const {namespace, admin} = scratch;
		const lease = async () => (await scratch.get('Lease', leaseName))?.spec;
		const first = controllerProcess(namespace);
		processes.push(first);
		await until('a leader', 20_000, async () => (await lease())?.holderIdentity, () => first.err() + first.out());
		const second = controllerProcess(namespace);
		processes.push(second);
		const state = () => `statuses ${JSON.stringify(statuses)}; routes ${JSON.stringify(routes)}; first: ${first.messages().slice(-4).join(' | ')}; second: ${second.messages().slice(-4).join(' | ')}`;
		await until('Initialized', 90_000, async () => (await scratch.get('Canary', 'podinfo'))?.status?.phase === 'Initialized', state);

		const holder = (await lease())!.holderIdentity as string;
		const [leader, observer] = holder.includes(`_${first.pid}_`) ? [first, second] : [second, first];
		expect(holder).toMatch(new RegExp(`_${leader.pid}_[0-9a-f]{4}$`));
		await until('the observer names the leader', 10_000, () => observer.messages().some(message => message.includes(`observing: ${holder} holds lease ${namespace}/${leaseName}`)), state);

		const target = (await scratch.get('Deployment', 'podinfo'))!;
		target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:6.0.1';
		await admin.update(target);
		// Kill once the first step is written and its Event sent: the leader is between ticks.
		await until('the first weight step and its Event', 60_000, async () => eventCount(await admin.list('Event', namespace), `Advance podinfo.${namespace} canary weight 20`) === 1, state);
		leader.child.kill('SIGKILL');
		const killedAt = Date.now();
		await leader.exited;

		const taken = await until('the observer takes the lease', 30_000, async () => {
			const spec = await lease();
			return spec?.holderIdentity?.includes(`_${observer.pid}_`) ? spec : undefined;
		}, state);
		const takeoverMs = Date.now() - killedAt;
		expect(takeoverMs, 'within the lease duration (15s) plus one retry (2s)').toBeLessThan(18_000);
		expect(taken).toMatchObject({leaseDurationSeconds: 15, leaseTransitions: 1});

		await until('Succeeded', 200_000, async () => (await scratch.get('Canary', 'podinfo'))?.status?.phase === 'Succeeded', state);

		const release = statuses.slice(statuses.findIndex(s => s.phase === 'Progressing'));
		expect(release.map(s => s.phase).filter((phase, i, all) => phase !== all[i - 1])).toEqual(['Progressing', 'Promoting', 'Finalising', 'Succeeded']);
		const progressingWeights = release.filter(s => s.phase === 'Progressing').map(s => s.canaryWeight).filter((weight, i, all) => weight !== all[i - 1]);
		expect(progressingWeights).toEqual([0, 20, 40, 60]);
		expect(routes).toEqual([
			[100, 0],
			[80, 20],
			[60, 40],
			[40, 60],
			[100, 0],
		]);
		const events = await admin.list('Event', namespace);
		for (const weight of [20, 40, 60]) expect(eventCount(events, `Advance podinfo.${namespace} canary weight ${weight}`), `weight ${weight}`).toBe(1);
		expect(eventCount(events, `Copying podinfo.${namespace} template spec to podinfo-primary.${namespace}`)).toBe(1);
		expect(eventCount(events, `Promotion completed! Scaling down podinfo.${namespace}`)).toBe(1);
		expect(eventCount(events, /^New revision detected/)).toBe(1);
		const promoted = (await scratch.get('Deployment', 'podinfo-primary'))!;
		expect(promoted.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');
		expect(observer.messages()).toContain(`successfully acquired lease ${namespace}/${leaseName}`);

		// SIGTERM hands the lease back at once.
		expect(await observer.stop('SIGTERM')).toBe(0);
		expect((await lease())?.holderIdentity).toBe('');
		console.info(`takeover after kill -9 in ${(takeoverMs / 1000).toFixed(1)}s; statuses ${JSON.stringify(statuses)}; routes ${JSON.stringify(routes)}`);
	}, 360_000);
});
