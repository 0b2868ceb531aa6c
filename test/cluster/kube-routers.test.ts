/**
 * The whole controller on the real API with the Gateway API (`gatewayapi:v1`) and App Mesh
 * (`appmesh:v1beta2`) routers cluster mode uses: progressive releases, an A/B run, a rollback
 * on a failing webhook and a new revision mid-run, each in its own namespace and driven on the
 * wall clock (Flagger's minimum interval, 10s) against kube-apiserver + kube-controller-manager +
 * kwok (scripts/local-cluster.sh). The five releases run concurrently: ~2–3 minutes in all.
 * No gateway controller runs, so HTTPRoutes get no parent status (the router treats that as ready).
 */
import {describe, it} from 'vitest';
import {randomBytes} from 'node:crypto';
import type {Canary} from '../../source/core/spec/types.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {AppMeshRouter} from '../../source/routers/appmesh-router.js';
import {GatewayApiRouter} from '../../source/routers/gatewayapi-router.js';
import {detect, Harness, required, until, WebhookServer} from './controller-harness.js';

const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the router tests on a real API: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('router cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const connection = detected.connection!;
const image = (n: string) => `ghcr.io/stefanprodan/podinfo:${n}`;
/** primary/canary weights of an HTTPRoute rule (by backend name suffix). */
const ruleWeights = (rule: any) => {
	const weight = (suffix: string) => rule?.backendRefs?.find((ref: any) => ref.name.endsWith(`-${suffix}`))?.weight;
	return [weight('primary'), weight('canary')];
};
const httpRouteWeights = (route: KubeObject) => ruleWeights(route.spec.rules[0]);
const virtualRouterWeights = (router: KubeObject) => {
	const targets: any[] = router.spec.routes[0].httpRoute.action.weightedTargets;
	return [targets.find(t => t.virtualNodeRef.name === 'podinfo-primary')?.weight, targets.find(t => t.virtualNodeRef.name === 'podinfo-canary')?.weight];
};
/** The release's events without the waiting-for-rollout noise. */
const releaseMessages = (h: Harness, from: string) => {
	const all = h.messages();
	return all.slice(all.indexOf(from)).filter(message => !message.includes('not ready') && !message.startsWith('Halt advancement'));
};
const gateway = (): KubeObject => ({
	apiVersion: 'gateway.networking.k8s.io/v1',
	kind: 'Gateway',
	metadata: {name: 'gw'},
	spec: {gatewayClassName: 'none', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]},
});
const gatewaySpec = (seed: any, namespace: string, analysis: Record<string, unknown>) => ({
	...seed,
	provider: 'gatewayapi:v1',
	progressDeadlineSeconds: 60,
	service: {port: 9898, targetPort: 9898, gatewayRefs: [{name: 'gw', namespace}]},
	analysis: {interval: '10s', threshold: 2, ...analysis},
});

/** kubectl's STATUS and WEIGHT columns against the status the controller wrote (retried while the status moves). */
async function expectKubectlColumns(h: Harness, expect: any, want?: {status: string; weight: string}) {
	for (let attempt = 0; ; attempt++) {
		const {kubectl, before, after} = await h.kubectlColumns();
		const stable = before?.phase === after?.phase && before?.canaryWeight === after?.canaryWeight;
		if (!stable && attempt < 5) continue;
		expect(kubectl).toEqual({status: String(after.phase), weight: String(after.canaryWeight)});
		if (want) expect(kubectl).toEqual(want);
		return kubectl;
	}
}

async function release(h: Harness, newImage: string, timeoutMs = 200_000) {
	await h.setImage(newImage);
	await until('Progressing', 40_000, () => h.phases.includes('Progressing'), h.describeState);
	await h.waitPhase('Succeeded', timeoutMs);
}

async function expectPromoted(h: Harness, expect: any, newImage: string) {
	const promoted = (await h.get('Deployment', 'podinfo-primary'))!;
	expect(promoted.spec.template.spec.containers[0].image).toBe(newImage);
	await until('the target scaled to zero', 30_000, async () => (await h.get('Deployment', 'podinfo'))?.spec.replicas === 0, h.describeState);
	const status = await h.status();
	expect(status).toMatchObject({phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0});
	expect(status.lastAppliedSpec).toBe(status.lastPromotedSpec);
	expect(h.eventErrors).toEqual([]);
}

const timings: string[] = [];

/**
 * The routers alone, in seconds: reconcile (which the engine calls on every tick) must keep the
 * weights the run set, and must not rewrite an object the API server only normalised (sorted
 * keys, CRD defaults such as parentRefs' group/kind and a match's PathPrefix /).
 */
describe.skipIf(!detected.connection)('routers on the real API: reconcile keeps the run\'s weights', () => {
	const canaryIn = async (store: KubeStore, namespace: string, spec: Record<string, unknown>): Promise<Canary> =>
		(await store.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace},
			spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, ...spec},
		})) as unknown as Canary;
	const withNamespace = async (prefix: string, body: (store: KubeStore, namespace: string) => Promise<void>) => {
		const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
		const store = new KubeStore({kc: connection.kc});
		await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		try {
			await body(store, namespace);
		} finally {
			await store.delete('Namespace', '', namespace).catch(() => {});
			await store.close();
		}
	};

	it('Gateway API: setRoutes 50/50, then reconcile: still 50/50 and no update', async ({expect}) => {
		await withNamespace('kube-gwr', async (store, namespace) => {
			const canary = await canaryIn(store, namespace, {
				provider: 'gatewayapi:v1',
				service: {port: 9898, gatewayRefs: [{name: 'gw', namespace}]},
				analysis: {interval: '10s', threshold: 2, stepWeight: 50, maxWeight: 100},
			});
			const router = new GatewayApiRouter(store, 'v1');
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.setRoutes(canary, 50, 50, false)).toEqual({ok: true});
			const before = (await store.get('HTTPRoute', namespace, 'podinfo'))!;
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.getRoutes(canary)).toEqual({ok: true, primary: 50, canary: 50, mirrored: false});
			expect((await store.get('HTTPRoute', namespace, 'podinfo'))!.metadata.resourceVersion, 'reconcile rewrote an unchanged HTTPRoute').toBe(before.metadata.resourceVersion);
		});
	}, 60_000);

	it('Gateway API A/B: setRoutes 0/100, then reconcile: still 0/100', async ({expect}) => {
		await withNamespace('kube-gwr', async (store, namespace) => {
			const canary = await canaryIn(store, namespace, {
				provider: 'gatewayapi:v1',
				service: {port: 9898, gatewayRefs: [{name: 'gw', namespace}]},
				analysis: {interval: '10s', threshold: 2, iterations: 2, match: [{headers: {'x-canary': {exact: 'insider'}}}]},
			});
			const router = new GatewayApiRouter(store, 'v1');
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.setRoutes(canary, 0, 100, false)).toEqual({ok: true});
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.getRoutes(canary)).toEqual({ok: true, primary: 0, canary: 100, mirrored: false});
		});
	}, 60_000);

	it('App Mesh: setRoutes 50/50, then reconcile: still 50/50', async ({expect}) => {
		await withNamespace('kube-meshr', async (store, namespace) => {
			const canary = await canaryIn(store, namespace, {
				provider: 'appmesh:v1beta2',
				service: {port: 9898, timeout: '15s'},
				analysis: {interval: '10s', threshold: 2, stepWeight: 50, maxWeight: 100},
			});
			const router = new AppMeshRouter(store, async () => 'app');
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.setRoutes(canary, 50, 50)).toEqual({ok: true});
			expect(await router.reconcile(canary)).toEqual({ok: true});
			expect(await router.getRoutes(canary)).toEqual({ok: true, primary: 50, canary: 50, mirrored: false});
		});
	}, 60_000);
});

describe.skipIf(!detected.connection).concurrent('Controller on the real API: Gateway API and App Mesh routers', () => {
	it('Gateway API: bootstrap, new image, HTTPRoute weights 50 → 100 → back to primary, Succeeded', async ({expect}) => {
		const started = Date.now();
		const h = await Harness.start({
			connection,
			prefix: 'kube-gw',
			observe: ['HTTPRoute'],
			extra: [gateway()],
			spec: (seed, ns) => gatewaySpec(seed, ns, {stepWeight: 50, maxWeight: 100}),
		});
		try {
			await h.waitPhase('Initialized', 90_000);
			const ns = h.namespace;
			const route = (await h.get('HTTPRoute', 'podinfo'))!;
			expect(route.metadata.ownerReferences?.[0]).toMatchObject({kind: 'Canary', name: 'podinfo', controller: true});
			expect(route.spec.parentRefs).toEqual([expect.objectContaining({name: 'gw', namespace: ns})]);
			expect(route.spec.rules).toHaveLength(1);
			expect(route.spec.rules[0].matches).toEqual([{path: {type: 'PathPrefix', value: '/'}}]);
			expect(route.spec.rules[0].backendRefs).toEqual([
				expect.objectContaining({kind: 'Service', name: 'podinfo-primary', port: 9898, weight: 100}),
				expect.objectContaining({kind: 'Service', name: 'podinfo-canary', port: 9898, weight: 0}),
			]);
			await expectKubectlColumns(h, expect, {status: 'Initialized', weight: '0'});

			const releaseStarted = Date.now();
			await h.setImage(image('5.0.1'));
			// Weights move on the API during the run; kubectl shows the status the controller wrote.
			await until('HTTPRoute at 50/50', 60_000, async () => {
				const r = await h.get('HTTPRoute', 'podinfo');
				return JSON.stringify(httpRouteWeights(r!)) === '[50,50]';
			}, h.describeState);
			await until('status weight 50', 20_000, async () => (await h.status())?.canaryWeight === 50, h.describeState);
			await expectKubectlColumns(h, expect, {status: 'Progressing', weight: '50'});
			await h.waitPhase('Succeeded', 150_000);
			const releaseMs = Date.now() - releaseStarted;

			expect(h.history('HTTPRoute', 'podinfo', httpRouteWeights)).toEqual([
				[100, 0],
				[50, 50],
				[0, 100],
				[100, 0],
			]);
			expect(h.statuses.filter(s => s.phase === 'Progressing').map(s => s.canaryWeight)).toEqual(expect.arrayContaining([50, 100]));
			expect(h.phases.slice(h.phases.indexOf('Initialized'))).toEqual(['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
			expect(releaseMessages(h, `New revision detected! Scaling up podinfo.${ns}`)).toEqual([
				`New revision detected! Scaling up podinfo.${ns}`,
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary weight 50`,
				`Advance podinfo.${ns} canary weight 100`,
				`Copying podinfo.${ns} template spec to podinfo-primary.${ns}`,
				'Routing all traffic to primary',
				`Promotion completed! Scaling down podinfo.${ns}`,
			]);
			await expectPromoted(h, expect, image('5.0.1'));
			expect(httpRouteWeights((await h.get('HTTPRoute', 'podinfo'))!)).toEqual([100, 0]);
			await expectKubectlColumns(h, expect, {status: 'Succeeded', weight: '0'});
			timings.push(`gatewayapi: total ${((Date.now() - started) / 1000).toFixed(1)}s, release ${(releaseMs / 1000).toFixed(1)}s`);
		} finally {
			await h.stop();
		}
	}, 300_000);

	it('App Mesh: VirtualNodes, VirtualRouters and VirtualServices, weights 50 → 100 → back to primary, Succeeded', async ({expect}) => {
		const started = Date.now();
		const h = await Harness.start({
			connection,
			prefix: 'kube-mesh',
			observe: ['VirtualRouter'],
			// The seed's service (timeout, retries, match, rewrite) and provider.
			spec: seed => ({...seed, progressDeadlineSeconds: 60, analysis: {interval: '10s', threshold: 2, stepWeight: 50, maxWeight: 100}}),
		});
		try {
			await h.waitPhase('Initialized', 90_000);
			const ns = h.namespace;
			const primaryNode = (await h.get('VirtualNode', 'podinfo-primary'))!;
			const canaryNode = (await h.get('VirtualNode', 'podinfo-canary'))!;
			expect(primaryNode.spec.podSelector).toEqual({matchLabels: {app: 'podinfo-primary'}});
			expect(canaryNode.spec.podSelector).toEqual({matchLabels: {app: 'podinfo'}});
			expect(primaryNode.spec.serviceDiscovery).toEqual({dns: {hostname: `podinfo-primary.${ns}.svc.cluster.local.`}});
			expect(canaryNode.spec.serviceDiscovery).toEqual({dns: {hostname: `podinfo-canary.${ns}.svc.cluster.local.`}});
			expect(primaryNode.spec.listeners[0]).toMatchObject({portMapping: {port: 9898, protocol: 'http'}, timeout: {http: {perRequest: {unit: 'ms', value: 15000}}}});
			expect(primaryNode.metadata.ownerReferences?.[0]).toMatchObject({kind: 'Canary', name: 'podinfo', controller: true});
			const apexRouter = (await h.get('VirtualRouter', 'podinfo'))!;
			const canaryRouter = (await h.get('VirtualRouter', 'podinfo-canary'))!;
			expect(apexRouter.spec.listeners).toEqual([{portMapping: {port: 9898, protocol: 'http'}}]);
			expect(apexRouter.spec.routes).toHaveLength(1);
			expect(apexRouter.spec.routes[0].httpRoute).toMatchObject({
				match: {prefix: '/'},
				timeout: {perRequest: {unit: 'ms', value: 15000}},
				retryPolicy: {maxRetries: 3, perRetryTimeout: {unit: 'ms', value: 5000}, httpRetryEvents: ['gateway-error', 'client-error', 'stream-error']},
			});
			expect(virtualRouterWeights(apexRouter)).toEqual([100, 0]);
			expect(virtualRouterWeights(canaryRouter)).toEqual([0, 100]);
			expect((await h.get('VirtualService', 'podinfo'))!.spec.provider).toEqual({virtualRouter: {virtualRouterRef: {name: 'podinfo'}}});
			expect((await h.get('VirtualService', 'podinfo-canary'))!.spec.provider).toEqual({virtualRouter: {virtualRouterRef: {name: 'podinfo-canary'}}});
			const services = Object.fromEntries(
				await Promise.all(['podinfo', 'podinfo-primary', 'podinfo-canary'].map(async name => [name, (await h.get('Service', name))?.spec?.selector])),
			);
			expect(services).toEqual({podinfo: {app: 'podinfo-primary'}, 'podinfo-primary': {app: 'podinfo-primary'}, 'podinfo-canary': {app: 'podinfo'}});

			const releaseStarted = Date.now();
			await h.setImage(image('5.0.1'));
			await until('VirtualRouter at 50/50', 60_000, async () => JSON.stringify(virtualRouterWeights((await h.get('VirtualRouter', 'podinfo'))!)) === '[50,50]', h.describeState);
			await until('status weight 50', 20_000, async () => (await h.status())?.canaryWeight === 50, h.describeState);
			await expectKubectlColumns(h, expect, {status: 'Progressing', weight: '50'});
			await h.waitPhase('Succeeded', 150_000);
			const releaseMs = Date.now() - releaseStarted;

			expect(h.history('VirtualRouter', 'podinfo', virtualRouterWeights)).toEqual([
				[100, 0],
				[50, 50],
				[0, 100],
				[100, 0],
			]);
			expect(h.history('VirtualRouter', 'podinfo-canary', virtualRouterWeights)).toEqual([[0, 100]]);
			expect(releaseMessages(h, `New revision detected! Scaling up podinfo.${ns}`)).toEqual([
				`New revision detected! Scaling up podinfo.${ns}`,
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary weight 50`,
				`Advance podinfo.${ns} canary weight 100`,
				`Copying podinfo.${ns} template spec to podinfo-primary.${ns}`,
				'Routing all traffic to primary',
				`Promotion completed! Scaling down podinfo.${ns}`,
			]);
			await expectPromoted(h, expect, image('5.0.1'));
			await expectKubectlColumns(h, expect, {status: 'Succeeded', weight: '0'});
			timings.push(`appmesh: total ${((Date.now() - started) / 1000).toFixed(1)}s, release ${(releaseMs / 1000).toFixed(1)}s`);
		} finally {
			await h.stop();
		}
	}, 300_000);

	it('Gateway API A/B: the header rule goes 0/100 for 2 iterations, the rest stays on primary, Succeeded', async ({expect}) => {
		const started = Date.now();
		const h = await Harness.start({
			connection,
			prefix: 'kube-ab',
			observe: ['HTTPRoute'],
			spec: (seed, ns) => gatewaySpec(seed, ns, {iterations: 2, match: [{headers: {'x-canary': {exact: 'insider'}}}]}),
		});
		try {
			await h.waitPhase('Initialized', 90_000);
			const ns = h.namespace;
			// The Gateway API CRD defaults a match's path to PathPrefix /.
			const headerMatch = [{headers: [{name: 'x-canary', type: 'Exact', value: 'insider'}], path: {type: 'PathPrefix', value: '/'}}];
			const initial = (await h.get('HTTPRoute', 'podinfo'))!;
			expect(initial.spec.rules).toHaveLength(2);
			expect(initial.spec.rules[0].matches).toEqual(headerMatch);
			expect(ruleWeights(initial.spec.rules[0])).toEqual([100, 0]);
			expect(initial.spec.rules[1].backendRefs).toEqual([expect.objectContaining({name: 'podinfo-primary', weight: 100})]);

			await h.setImage(image('5.0.1'));
			const during = await until('rule 0 at 0/100', 60_000, async () => {
				const r = await h.get('HTTPRoute', 'podinfo');
				return JSON.stringify(ruleWeights(r!.spec.rules[0])) === '[0,100]' ? r : undefined;
			}, h.describeState);
			expect(during!.spec.rules[0].matches).toEqual(headerMatch);
			expect(during!.spec.rules[1].backendRefs).toEqual([expect.objectContaining({name: 'podinfo-primary', weight: 100})]);
			await until('iteration 1', 20_000, async () => (await h.status())?.iterations >= 1, h.describeState);
			await expectKubectlColumns(h, expect, {status: 'Progressing', weight: '0'});
			await h.waitPhase('Succeeded', 150_000);

			expect(h.history('HTTPRoute', 'podinfo', r => r.spec.rules.map(ruleWeights))).toEqual([
				[
					[100, 0],
					[100, undefined],
				],
				[
					[0, 100],
					[100, undefined],
				],
				[
					[100, 0],
					[100, undefined],
				],
			]);
			expect(h.statuses.filter(s => s.phase === 'Progressing').map(s => s.iterations)).toEqual(expect.arrayContaining([1, 2]));
			expect(releaseMessages(h, `New revision detected! Scaling up podinfo.${ns}`)).toEqual([
				`New revision detected! Scaling up podinfo.${ns}`,
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary iteration 1/2`,
				`Advance podinfo.${ns} canary iteration 2/2`,
				`Copying podinfo.${ns} template spec to podinfo-primary.${ns}`,
				'Routing all traffic to primary',
				`Promotion completed! Scaling down podinfo.${ns}`,
			]);
			await expectPromoted(h, expect, image('5.0.1'));
			timings.push(`A/B: total ${((Date.now() - started) / 1000).toFixed(1)}s`);
		} finally {
			await h.stop();
		}
	}, 300_000);

	it('rollback: a rollout webhook answering 500 halts twice, then rolls back to primary, Failed', async ({expect}) => {
		const started = Date.now();
		const hook = await new WebhookServer().start();
		hook.answer = () => ({status: 500, body: 'boom'});
		const h = await Harness.start({
			connection,
			prefix: 'kube-rb',
			observe: ['HTTPRoute'],
			spec: (seed, ns) => gatewaySpec(seed, ns, {stepWeight: 50, maxWeight: 100, webhooks: [{name: 'load-test', type: 'rollout', url: hook.url, timeout: '5s'}]}),
		});
		try {
			await h.waitPhase('Initialized', 90_000);
			const ns = h.namespace;
			await h.setImage(image('5.0.1'));
			await until('failedChecks 1', 80_000, async () => (await h.status())?.failedChecks === 1, h.describeState);
			await expectKubectlColumns(h, expect, {status: 'Progressing', weight: '50'});
			await h.waitPhase('Failed', 120_000);

			const halt = `Halt podinfo.${ns} advancement external check load-test failed POST ${hook.url} giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error: boom`;
			expect(releaseMessages(h, `New revision detected! Scaling up podinfo.${ns}`)).toEqual([
				`New revision detected! Scaling up podinfo.${ns}`,
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary weight 50`,
				halt,
				halt,
				`Rolling back podinfo.${ns} failed checks threshold reached 2`,
				`Canary failed! Scaling down podinfo.${ns}`,
			]);
			expect(hook.calls.length).toBe(2);
			expect(hook.calls[0]!.body).toMatchObject({name: 'podinfo', namespace: ns, phase: 'Progressing'});
			expect(h.history('HTTPRoute', 'podinfo', httpRouteWeights)).toEqual([
				[100, 0],
				[50, 50],
				[100, 0],
			]);
			expect(h.statuses.filter(s => s.phase === 'Progressing').map(s => s.failedChecks)).toEqual(expect.arrayContaining([1, 2]));
			const status = await h.status();
			expect(status).toMatchObject({phase: 'Failed', canaryWeight: 0});
			expect(status.conditions?.[0]).toMatchObject({type: 'Promoted', status: 'False', reason: 'Failed'});
			await until('the target at 0 replicas', 30_000, async () => (await h.get('Deployment', 'podinfo'))?.spec.replicas === 0, h.describeState);
			expect((await h.get('Deployment', 'podinfo-primary'))!.spec.template.spec.containers[0].image).toBe(image('5.0.0'));
			await expectKubectlColumns(h, expect, {status: 'Failed', weight: '0'});

			const written = await until('the Kubernetes Events', 10_000, async () => {
				const events = await h.writtenEvents();
				return events.some(event => (event as any).message === `Canary failed! Scaling down podinfo.${ns}`) ? events : undefined;
			});
			const byMessage = new Map(written.map(event => [(event as any).message as string, event as any]));
			for (const message of [halt, `Rolling back podinfo.${ns} failed checks threshold reached 2`, `Canary failed! Scaling down podinfo.${ns}`]) {
				expect(byMessage.get(message), message).toMatchObject({reason: 'Synced', type: 'Warning', involvedObject: {kind: 'Canary', name: 'podinfo'}});
			}
			expect(byMessage.get(halt).count).toBe(2);
			expect(written.every(event => (event as any).reason === 'Synced')).toBe(true);
			expect(h.eventErrors).toEqual([]);
			timings.push(`rollback: total ${((Date.now() - started) / 1000).toFixed(1)}s`);
		} finally {
			await h.stop();
			await hook.stop();
		}
	}, 300_000);

	it('a new revision mid-run restarts the analysis, resets the counters and promotes the newest image', async ({expect}) => {
		const started = Date.now();
		const hook = await new WebhookServer().start();
		let failing = true;
		hook.answer = () => (failing ? {status: 500, body: 'not yet'} : {status: 200, body: 'ok'});
		const h = await Harness.start({
			connection,
			prefix: 'kube-rev',
			observe: ['HTTPRoute'],
			spec: (seed, ns) => gatewaySpec(seed, ns, {threshold: 3, stepWeight: 25, maxWeight: 50, webhooks: [{name: 'gate', type: 'rollout', url: hook.url, timeout: '5s'}]}),
		});
		try {
			await h.waitPhase('Initialized', 90_000);
			const ns = h.namespace;
			await h.setImage(image('5.0.1'));
			await until('weight 25 with a failed check', 80_000, async () => {
				const s = await h.status();
				return s?.phase === 'Progressing' && s.canaryWeight === 25 && s.failedChecks === 1;
			}, h.describeState);
			const changedAt = Date.now();
			failing = false;
			await h.setImage(image('5.0.2'));
			await until('the restart', 40_000, () => h.messages().includes(`New revision detected! Restarting analysis for podinfo.${ns}`), h.describeState);
			await until('the counters reset', 20_000, () => h.statuses.some(s => s.at >= changedAt && s.phase === 'Progressing' && s.canaryWeight === 0 && s.failedChecks === 0 && s.iterations === 0), h.describeState);
			await expectKubectlColumns(h, expect);
			await h.waitPhase('Succeeded', 180_000);

			const messages = releaseMessages(h, `New revision detected! Scaling up podinfo.${ns}`);
			const restart = messages.indexOf(`New revision detected! Restarting analysis for podinfo.${ns}`);
			expect(messages.slice(0, restart + 1)).toEqual([
				`New revision detected! Scaling up podinfo.${ns}`,
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary weight 25`,
				`Halt podinfo.${ns} advancement external check gate failed POST ${hook.url} giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error: not yet`,
				`New revision detected! Restarting analysis for podinfo.${ns}`,
			]);
			expect(messages.slice(restart + 1).filter(m => !m.startsWith(`Halt podinfo.${ns} advancement external check`))).toEqual([
				`Starting canary analysis for podinfo.${ns}`,
				`Advance podinfo.${ns} canary weight 25`,
				`Advance podinfo.${ns} canary weight 50`,
				`Copying podinfo.${ns} template spec to podinfo-primary.${ns}`,
				'Routing all traffic to primary',
				`Promotion completed! Scaling down podinfo.${ns}`,
			]);
			// The routes went back to primary on the restart, then climbed again.
			expect(h.history('HTTPRoute', 'podinfo', httpRouteWeights)).toEqual([
				[100, 0],
				[75, 25],
				[100, 0],
				[75, 25],
				[50, 50],
				[100, 0],
			]);
			await expectPromoted(h, expect, image('5.0.2'));
			await expectKubectlColumns(h, expect, {status: 'Succeeded', weight: '0'});
			timings.push(`new revision: total ${((Date.now() - started) / 1000).toFixed(1)}s`);
		} finally {
			await h.stop();
			await hook.stop();
			console.info(`router releases on the real API: ${timings.join('; ')}`);
		}
	}, 300_000);
});
