// Adopting a canary whose status Flagger wrote: the pure decision, then the controller on the
// embedded API server (a Flagger-style status and an existing primary: no release starts).
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {ManualClock} from '../../source/clock.js';
import type {Canary, CanaryStatus} from '../../source/core/spec/types.js';
import {primaryPodTemplate} from '../../source/core/workloads/primary-template.js';
import {templateHash} from '../../source/core/workloads/template-hash.js';
import {adoptionDecision, type AdoptionInput} from '../../source/controller/adoption.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {KubernetesNoopRouter} from '../../source/routers/kubernetes-router.js';
import {manualTicks} from '../support/manual-ticks.js';

// What Flagger writes: hashes of a Go object dump (semantics §3.2), never equal to ours.
const flaggerStatus = (phase: CanaryStatus['phase']): CanaryStatus => ({
	phase,
	failedChecks: 0,
	canaryWeight: 0,
	iterations: 0,
	lastAppliedSpec: '85d557f47b',
	lastPromotedSpec: '85d557f47b',
	lastTransitionTime: '2026-01-01T00:00:00Z',
	conditions: [{type: 'Promoted', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: phase, message: 'Canary analysis completed successfully, promotion finished.'}],
});

const template = (image: string, annotations: Record<string, string> = {}) => ({
	metadata: {labels: {app: 'podinfo'}, annotations: {'prometheus.io/scrape': 'true', ...annotations}},
	spec: {containers: [{name: 'podinfod', image, env: [{name: 'MODE', valueFrom: {configMapKeyRef: {name: 'settings', key: 'mode'}}}]}]},
});
const deployment = (name: string, podTemplate: unknown): KubeObject => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: 'apps'}, spec: {template: podTemplate}});
/** A primary as Flagger's promotion leaves it: mapped template plus its own flagger-id. */
const flaggerPrimary = (podTemplate: any, tracked = ['configmap/settings']) => {
	const mapped = primaryPodTemplate(podTemplate, 'app', 'podinfo', tracked);
	return deployment('podinfo-primary', {...mapped, metadata: {...mapped.metadata, annotations: {...mapped.metadata.annotations, 'flagger-id': '7d1b3c5e-uuid'}}});
};

function input(overrides: Partial<AdoptionInput> = {}): AdoptionInput {
	const target = template('podinfo:6.0.0');
	return {
		status: flaggerStatus('Succeeded'),
		revision: {hash: templateHash(target), trackedConfigs: {'configmap/settings': 'a1b2c3d4e5f60718'}},
		target: deployment('podinfo', target),
		primary: flaggerPrimary(target),
		selector: {label: 'app', value: 'podinfo'},
		configs: [{key: 'configmap/settings', source: {data: {mode: 'fast'}}, copy: {data: {mode: 'fast'}}}],
		...overrides,
	};
}

describe('adoptionDecision', () => {
	it('adopts a Succeeded canary whose primary runs the target: both hashes and the tracked configs become ours, nothing else moves', () => {
		const decision = adoptionDecision(input());
		expect(decision).toEqual({
			adopt: true,
			status: {...flaggerStatus('Succeeded'), lastAppliedSpec: templateHash(template('podinfo:6.0.0')), lastPromotedSpec: templateHash(template('podinfo:6.0.0')), trackedConfigs: {'configmap/settings': 'a1b2c3d4e5f60718'}},
		});
	});

	it('adopts an Initialized canary too', () => {
		expect(adoptionDecision(input({status: flaggerStatus('Initialized')})).adopt).toBe(true);
	});

	it('does not adopt when the target differs from what the primary runs: that is a release', () => {
		expect(adoptionDecision(input({target: deployment('podinfo', template('podinfo:6.0.1'))})).adopt).toBe(false);
		expect(adoptionDecision(input({target: deployment('podinfo', template('podinfo:6.0.0', {'kubectl.kubernetes.io/restartedAt': 'now'}))})).adopt).toBe(false);
	});

	it('does not adopt while a release is under way or after a failure', () => {
		for (const phase of ['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Failed', 'Waiting', 'Initializing'] as const) {
			expect(adoptionDecision(input({status: flaggerStatus(phase)})).adopt, phase).toBe(false);
		}
	});

	it('has nothing to do when the hashes are already ours', () => {
		const ours = {...flaggerStatus('Succeeded'), lastAppliedSpec: input().revision.hash, lastPromotedSpec: input().revision.hash, trackedConfigs: input().revision.trackedConfigs};
		expect(adoptionDecision(input({status: ours})).adopt).toBe(false);
	});

	it('ignores Flux toolkit keys, which a promotion drops', () => {
		const target = template('podinfo:6.0.0', {'kustomize.toolkit.fluxcd.io/reconcile': 'enabled'});
		expect(adoptionDecision(input({target: deployment('podinfo', target), revision: {hash: templateHash(target)}})).adopt).toBe(true);
	});

	it('does not adopt without a primary, or when a tracked config and its -primary copy differ', () => {
		expect(adoptionDecision(input({primary: undefined})).adopt).toBe(false);
		expect(adoptionDecision(input({configs: [{key: 'configmap/settings', source: {data: {mode: 'slow'}}, copy: {data: {mode: 'fast'}}}]})).adopt).toBe(false);
		expect(adoptionDecision(input({configs: [{key: 'configmap/settings', source: {data: {mode: 'fast'}}, copy: undefined}]})).adopt).toBe(false);
	});

	it('does not adopt when the primary template was changed by hand', () => {
		const primary = flaggerPrimary(template('podinfo:6.0.0'));
		primary.spec.template.spec.containers[0].image = 'podinfo:hotfix';
		expect(adoptionDecision(input({primary})).adopt).toBe(false);
	});
});

const fixture = (file: string) =>
	parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);

describe('the controller adopts a Flagger canary on the embedded API server', () => {
	async function setup() {
		const clock = new ManualClock();
		const store = new MemoryStore(() => clock.now());
		new DeploymentSimulator(store, clock, () => 0.5);
		const [target] = fixture('deployment.yaml');
		await store.create({...target!, metadata: {...target!.metadata, namespace: 'apps'}, spec: {...target!.spec, replicas: 0}});
		// The primary Flagger created: the target's template, mapped, with Flagger's own flagger-id.
		const mapped = primaryPodTemplate(target!.spec.template, 'app', 'podinfo', []);
		await store.create({
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: {name: 'podinfo-primary', namespace: 'apps', labels: {app: 'podinfo-primary'}},
			spec: {replicas: 2, selector: {matchLabels: {app: 'podinfo-primary'}}, template: {...mapped, metadata: {...mapped.metadata, annotations: {...mapped.metadata.annotations, 'flagger-id': 'flagger-uuid'}}}},
		});
		const canary = await store.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace: 'apps'},
			spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 2}},
		});
		await store.updateStatus({...canary, status: flaggerStatus('Succeeded')});
		const events = new EventLog();
		const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: () => 'our-id'});
		const controller = new Controller({
			clock,
			store,
			workloads,
			router: () => new KubernetesNoopRouter(),
			events,
			metrics: {check: async () => ({ok: true}), query: async () => ({ok: false, noData: true, error: 'none'})},
			webhooks: {call: async () => ({ok: true})},
		});
		await controller.start();
		const run = manualTicks(clock, controller);
		const messages = () => events.events('podinfo.apps').map(event => event.message);
		const status = () => store.getSync('Canary', 'apps', 'podinfo')!.status as CanaryStatus;
		return {store, controller, run, messages, status, target: target!};
	}

	it('re-baselines silently (one Normal event), starts no release and leaves the primary alone; a real change later is released', async () => {
		const {store, controller, run, messages, status} = await setup();
		const primaryBefore = store.getSync('Deployment', 'apps', 'podinfo-primary')!;
		await run(35);
		const ours = templateHash(store.getSync('Deployment', 'apps', 'podinfo')!.spec.template);
		expect(status()).toMatchObject({phase: 'Succeeded', lastAppliedSpec: ours, lastPromotedSpec: ours, canaryWeight: 0});
		expect(messages()).toEqual([`Adopted podinfo.apps: podinfo-primary already runs the target's template; revision hashes re-baselined without a release`]);
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template).toEqual(primaryBefore.spec.template);
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.replicas).toBe(0);

		const changed = store.getSync('Deployment', 'apps', 'podinfo')!;
		changed.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:6.0.1';
		await store.update(changed);
		await run(12);
		expect(messages()).toContain('New revision detected! Scaling up podinfo.apps');
		expect(messages().filter(message => message.startsWith('Adopted'))).toHaveLength(1);
		controller.stop();
	});

	it('a Flagger canary whose target moved on while Flagger was away is released, not adopted', async () => {
		const {store, controller, run, messages} = await setup();
		const changed = store.getSync('Deployment', 'apps', 'podinfo')!;
		changed.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:6.0.1';
		await store.update(changed);
		await run(12);
		expect(messages()).toContain('New revision detected! Scaling up podinfo.apps');
		expect(messages().some(message => message.startsWith('Adopted'))).toBe(false);
		controller.stop();
	});
});
