/**
 * The whole controller on the real API: Controller + DeploymentWorkloads + the `kubernetes`
 * (Blue/Green) router over KubeStore, on the wall clock, against kube-apiserver +
 * kube-controller-manager + kwok (scripts/local-cluster.sh). The seed's podinfo Deployment in a
 * fresh namespace goes Initialized → new image → Progressing → … → Succeeded. Takes 1–2 minutes
 * (Flagger's minimum interval is 10s).
 */
import {randomBytes, randomUUID} from 'node:crypto';
import fs from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {realClock} from '../../source/clock.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import {connect, type Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {KubernetesNoopRouter} from '../../source/routers/kubernetes-router.js';
import {detect, required} from './detect-cluster.js';


const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the controller-on-a-real-API test: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('controller cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const fixture = (file: string): KubeObject[] =>
	YAML.parseAllDocuments(fs.readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false | Promise<T | undefined | false>, last?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${last()}` : ''}`);
		await sleep(250);
	}
}

describe.skipIf(!detected.connection)('Controller on the real API: Blue/Green with the kubernetes provider', () => {
	const connection = detected.connection!;
	const namespace = `kube-bg-${randomBytes(3).toString('hex')}`;
	const clock = realClock(1);
	const log: string[] = [];
	const eventErrors: string[] = [];
	const events = new EventLog();
	let store: KubeStore;
	let admin: KubeStore;
	let controller: Controller;
	const phases: string[] = [];
	let stopPhases: () => void;

	const messages = () => events.events(`podinfo.${namespace}`).map(event => event.message);
	const get = (kind: string, name: string) => admin.get(kind, namespace, name);
	const phase = async () => (await get('Canary', 'podinfo'))?.status?.phase as string | undefined;
	const describeState = () => `phases ${phases.join(' → ')}; last events: ${messages().slice(-4).join(' | ')}; log: ${log.slice(-3).join(' | ')}`;

	beforeAll(async () => {
		admin = new KubeStore({kc: connection.kc});
		await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		store = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary'], onEventError: error => eventErrors.push(error.message)});
		const [deployment] = fixture('deployment.yaml');
		await admin.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		const [seed] = fixture('canary.yaml');
		const {autoscalerRef, ...spec} = seed!.spec;
		await admin.create({
			...seed!,
			metadata: {name: 'podinfo', namespace},
			spec: {
				...spec,
				provider: 'kubernetes',
				progressDeadlineSeconds: 60,
				service: {port: 9898, targetPort: 9898},
				analysis: {interval: '10s', threshold: 2, iterations: 3},
			},
		});
		// Phases as the API shows them (what `kubectl get canary` prints).
		stopPhases = admin.watch(event => {
			const p = event.object.kind === 'Canary' && event.object.metadata.namespace === namespace ? event.object.status?.phase : undefined;
			if (p && p !== phases.at(-1)) phases.push(p);
		});
		controller = new Controller({
			clock,
			store,
			workloads: new DeploymentWorkloads({store, now: () => clock.now(), newId: randomUUID}),
			router: () => new KubernetesNoopRouter(),
			metrics: {check: async () => ({ok: true}), query: async () => ({ok: false, noData: true, error: 'no metrics in this test'})},
			webhooks: {call: async () => ({ok: true})},
			events: store.eventSink(events),
			log: (canary, message) => log.push(`${canary}: ${message}`),
			namespace,
			meshProvider: 'kubernetes',
		});
		await controller.start();
	}, 60_000);

	afterAll(async () => {
		controller?.stop();
		stopPhases?.();
		await store?.close();
		if (process.env.CANARY_TUI_KEEP !== '1') await admin?.delete('Namespace', '', namespace).catch(() => {});
		await admin?.close();
	}, 60_000);

	it('bootstraps, then releases a new image by Blue/Green to Succeeded', async () => {
		const started = Date.now();
		await until('Initialized', 90_000, async () => (await phase()) === 'Initialized', describeState);
		const initializedMs = Date.now() - started;
		expect(messages()).toContain(`Initialization done! podinfo.${namespace}`);
		const primary = (await get('Deployment', 'podinfo-primary'))!;
		expect(primary.spec.selector.matchLabels).toEqual({app: 'podinfo-primary'});
		expect(primary.metadata.ownerReferences?.[0]).toMatchObject({kind: 'Canary', name: 'podinfo', controller: true});
		expect(primary.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:5.0.0');
		expect(primary.status?.availableReplicas, 'the primary really rolled out (kube-controller-manager + kwok)').toBe(2);
		expect((await get('Deployment', 'podinfo'))!.spec.replicas).toBe(0);

		// A new image.
		store.resetStats();
		const releaseStarted = Date.now();
		const target = (await get('Deployment', 'podinfo'))!;
		target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:5.0.1';
		await admin.update(target);
		await until('Progressing', 30_000, async () => phases.includes('Progressing'), describeState);
		await until('Succeeded', 150_000, async () => (await phase()) === 'Succeeded', describeState);
		const releaseMs = Date.now() - releaseStarted;
		const stats = store.stats();

		expect(phases.slice(phases.indexOf('Initialized'))).toEqual(['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
		const release = messages().slice(messages().indexOf(`New revision detected! Scaling up podinfo.${namespace}`));
		expect(release.filter(message => !message.includes('not ready') && !message.startsWith('Halt advancement'))).toEqual([
			`New revision detected! Scaling up podinfo.${namespace}`,
			`Starting canary analysis for podinfo.${namespace}`,
			`Advance podinfo.${namespace} canary iteration 1/3`,
			`Advance podinfo.${namespace} canary iteration 2/3`,
			`Advance podinfo.${namespace} canary iteration 3/3`,
			`Copying podinfo.${namespace} template spec to podinfo-primary.${namespace}`,
			// No "Routing all traffic to primary": the kubernetes provider has no routes to set.
			`Promotion completed! Scaling down podinfo.${namespace}`,
		]);

		const promoted = (await get('Deployment', 'podinfo-primary'))!;
		expect(promoted.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:5.0.1');
		await until('the promoted primary rolled out', 60_000, async () => {
			const d = await get('Deployment', 'podinfo-primary');
			return d?.status?.observedGeneration >= d!.metadata.generation! && d?.status?.updatedReplicas === 2 && d?.status?.availableReplicas === 2;
		});
		expect((await get('Deployment', 'podinfo'))!.spec.replicas).toBe(0);
		const services = Object.fromEntries(
			await Promise.all(['podinfo', 'podinfo-primary', 'podinfo-canary'].map(async name => [name, (await get('Service', name))?.spec?.selector])),
		);
		expect(services).toEqual({podinfo: {app: 'podinfo-primary'}, 'podinfo-primary': {app: 'podinfo-primary'}, 'podinfo-canary': {app: 'podinfo'}});
		const status = (await get('Canary', 'podinfo'))!.status;
		expect(status).toMatchObject({phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0});
		expect(status.lastAppliedSpec).toBe(status.lastPromotedSpec);

		// Kubernetes Events on the Canary, as Flagger writes them.
		const written = (await admin.list('Event', namespace)).filter(event => (event.involvedObject as any)?.kind === 'Canary');
		expect(written.every(event => event.reason === 'Synced' && (event.source as any)?.component === 'canary-tui')).toBe(true);
		expect(written.map(event => event.message)).toEqual(expect.arrayContaining([`Initialization done! podinfo.${namespace}`, `Promotion completed! Scaling down podinfo.${namespace}`]));
		expect(eventErrors).toEqual([]);

		const intervals = releaseMs / 10_000;
		console.info(
			[
				`initialized in ${(initializedMs / 1000).toFixed(1)}s; release (new image → Succeeded) in ${(releaseMs / 1000).toFixed(1)}s; phases ${phases.join(' → ')}`,
				`API requests during the release: ${stats.requests} (${(stats.requests / intervals).toFixed(1)} per canary per 10s interval); by verb ${JSON.stringify(stats.byVerb)}`,
				`by request: ${JSON.stringify(stats.byRequest)}`,
				`events: ${messages().join(' | ')}`,
				`controller log: ${log.length ? log.slice(-5).join(' | ') : '(nothing)'}`,
			].join('\n'),
		);
	}, 300_000);
});
