// deploy/'s RBAC against the code: every access `canary-tui controller` checks at start
// (controllerAccess) is granted, every verb the code was seen using is granted, and nothing is
// granted that neither applies. "Seen using": the real Controller, routers, workloads,
// leader elector and alert-provider lookup run on the in-memory API server through a store
// that records each call as the verb RBAC would check. The release on the real API server
// under this ClusterRole is test/cluster/rbac-controller.test.ts.
import {readFileSync, readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parse, parseAllDocuments} from 'yaml';
import {resolveProvider} from '../../source/alerts/alert-provider.js';
import {ManualClock} from '../../source/clock.js';
import type {MetricAnswer} from '../../source/core/engine/ops.js';
import type {Canary} from '../../source/core/spec/types.js';
import {Controller} from '../../source/controller/controller.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import {EventLog} from '../../source/events/event-log.js';
import {controllerAccess} from '../../source/kube/connection.js';
import {LeaderElector} from '../../source/kube/leader-election.js';
import type {KubeObject, ObjectStore, WatchEvent} from '../../source/kube/objects.js';
import {resourceFor} from '../../source/kube/resources.js';
import {DeploymentSimulator} from '../../source/local/cluster/deployment-simulator.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';
import {clusterRouters} from '../../source/routers/cluster-routers.js';
import {manualTicks} from '../support/manual-ticks.js';

const deploy = (file: string) => new URL(`../../deploy/${file}`, import.meta.url);
const fixture = (file: string) => parseAllDocuments(readFileSync(new URL(`../fixtures/podinfo/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject);

/** `group/resource[/subresource] verb`, as in an RBAC rule ('' group for the core API). */
const permission = (kind: string, verb: string, subresource?: string) => {
	const resource = resourceFor(kind);
	return `${resource.group}/${resource.plural}${subresource ? `/${subresource}` : ''} ${verb}`;
};

function granted(file: string, kind: 'ClusterRole' | 'Role'): Set<string> {
	const out = new Set<string>();
	for (const doc of parseAllDocuments(readFileSync(deploy(file), 'utf8'))) {
		const object = doc.toJS();
		if (object?.kind !== kind) continue;
		for (const rule of object.rules) {
			expect(rule.resourceNames, 'rules are per resource, not per object name').toBeUndefined();
			for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) out.add(`${group}/${resource} ${verb}`);
		}
	}
	return out;
}

/** An ObjectStore that records every call as the RBAC permission it needs. */
class RecordingStore implements ObjectStore {
	readonly used = new Set<string>();
	constructor(
		private readonly inner: MemoryStore,
		/** The kinds a KubeStore would list+watch for watch() (the controller's: Canary). */
		private readonly watched: string[],
	) {}
	get(kind: string, namespace: string, name: string) {
		this.used.add(permission(kind, 'get'));
		return this.inner.get(kind, namespace, name);
	}
	list(kind: string, namespace?: string) {
		this.used.add(permission(kind, 'list'));
		return this.inner.list(kind, namespace);
	}
	create(object: KubeObject) {
		this.used.add(permission(object.kind, 'create'));
		return this.inner.create(object);
	}
	update(object: KubeObject) {
		this.used.add(permission(object.kind, 'update'));
		return this.inner.update(object);
	}
	updateStatus(object: KubeObject) {
		this.used.add(permission(object.kind, 'update', 'status'));
		return this.inner.updateStatus(object);
	}
	delete(kind: string, namespace: string, name: string) {
		this.used.add(permission(kind, 'delete'));
		return this.inner.delete(kind, namespace, name);
	}
	watch(listener: (event: WatchEvent) => void) {
		for (const kind of this.watched) this.used.add(permission(kind, 'list')).add(permission(kind, 'watch'));
		return this.inner.watch(listener);
	}
}

/** A release on every router the controller supports, config tracking and an HPA included. */
async function recordRelease(): Promise<Set<string>> {
	const clock = new ManualClock();
	const memory = new MemoryStore(() => clock.now());
	new DeploymentSimulator(memory, clock, () => 0.5);
	const store = new RecordingStore(memory, ['Canary']);
	const [deployment] = fixture('deployment.yaml');
	const container = deployment!.spec.template.spec.containers[0];
	container.envFrom = [{configMapRef: {name: 'podinfo-config'}}, {secretRef: {name: 'podinfo-secret'}}];
	await memory.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'podinfo-config', namespace: 'apps'}, data: {color: 'blue'}});
	await memory.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'podinfo-secret', namespace: 'apps'}, data: {token: 'c2VjcmV0'}});
	for (const object of [deployment!, ...fixture('hpa.yaml'), ...fixture('canary.yaml')]) await memory.create({...object, metadata: {...object.metadata, namespace: 'apps'}});
	const workloads = new DeploymentWorkloads({store, now: () => clock.now(), newId: () => 'id'});
	const routers = clusterRouters(store, workloads);
	const controller = new Controller({
		clock,
		store,
		workloads,
		router: routers,
		events: new EventLog(),
		metrics: {check: async () => ({ok: true}), query: async (_c, _m, kind): Promise<MetricAnswer> => ({ok: true, value: kind === 'request-duration' ? 100 : 100})},
		webhooks: {call: async () => ({ok: true})},
	});
	await controller.start();
	const run = manualTicks(clock, controller);
	const phase = () => memory.getSync('Canary', 'apps', 'podinfo')?.status?.phase;
	await run(30);
	const target = memory.getSync('Deployment', 'apps', 'podinfo')!;
	target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:5.0.1';
	await memory.update(target);
	const config = memory.getSync('ConfigMap', 'apps', 'podinfo-config')!;
	await memory.update({...config, data: {color: 'green'}});
	const secret = memory.getSync('Secret', 'apps', 'podinfo-secret')!;
	await memory.update({...secret, data: {token: 'b3RoZXI='}});
	for (let s = 0; s < 400 && phase() !== 'Succeeded'; s++) await run(1);
	expect(phase()).toBe('Succeeded');
	// A changed service spec updates the App Mesh virtual nodes.
	const edited = memory.getSync('Canary', 'apps', 'podinfo')!;
	await memory.update({...edited, spec: {...edited.spec, service: {...edited.spec.service, backends: ['backend.apps']}}});
	await run(20);
	// A manual request is cleared (and the pause written) with an update of the Canary.
	const canary = memory.getSync('Canary', 'apps', 'podinfo')!;
	await memory.update({...canary, metadata: {...canary.metadata, annotations: {'canary-tui.io/request': '{"action":"pause","by":"test","at":"2020-11-14T12:00:00Z"}'}}});
	await run(20);
	controller.stop();

	// Gateway API: the HTTPRoute is created, then its weights are written.
	const gateway = {...(canary as unknown as Canary), spec: {...(canary as unknown as Canary).spec, provider: 'gatewayapi:v1', service: {...(canary as unknown as Canary).spec.service, gatewayRefs: [{name: 'gw'}]}}} as Canary;
	expect(await routers(gateway).reconcile(gateway)).toEqual({ok: true});
	expect(await routers(gateway).setRoutes(gateway, 90, 10, false)).toEqual({ok: true});
	return store.used;
}

async function recordLeaderElection(): Promise<Set<string>> {
	const clock = new ManualClock();
	const store = new RecordingStore(new MemoryStore(() => clock.now()), []);
	const elector = new LeaderElector({store, clock, namespace: 'canary-tui-system', name: 'lease', identity: 'a'});
	await elector.tryOnce();
	clock.advance(5000);
	await elector.tryOnce();
	expect(elector.state().leader).toBe(true);
	await elector.stop();
	return store.used;
}

async function recordAlertProvider(): Promise<Set<string>> {
	const memory = new MemoryStore(() => 0);
	await memory.create({apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', metadata: {name: 'on-call', namespace: 'apps'}, spec: {type: 'slack', secretRef: {name: 'slack-url'}}});
	await memory.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'slack-url', namespace: 'apps'}, data: {address: Buffer.from('https://hooks.slack.com/x').toString('base64')}});
	const store = new RecordingStore(memory, []);
	expect((await resolveProvider(store, {name: 'on-call', severity: 'info', providerRef: {name: 'on-call'}}, 'apps')).ok).toBe(true);
	return store.used;
}

describe('deploy/ RBAC', () => {
	const clusterRole = granted('clusterrole.yaml', 'ClusterRole');
	const leaseRole = granted('leader-election-role.yaml', 'Role');

	it('installs every manifest of deploy/ through kustomization.yaml', () => {
		const listed: string[] = parse(readFileSync(deploy('kustomization.yaml'), 'utf8')).resources;
		const manifests = readdirSync(deploy('')).filter(file => file.endsWith('.yaml') && file !== 'kustomization.yaml');
		expect(listed.filter(file => !file.startsWith('crds/')).sort()).toEqual(manifests.sort());
		expect(listed.filter(file => file.startsWith('crds/')).sort()).toEqual(readdirSync(deploy('crds')).filter(file => file.endsWith('.yaml')).map(file => `crds/${file}`).sort());
	});

	it('grants every access the controller checks at start, in all namespaces', () => {
		const checked = controllerAccess(undefined).map(check => permission(check.kind, check.verb, check.subresource));
		expect(checked.filter(each => !clusterRole.has(each))).toEqual([]);
	});

	it('grants exactly what the code uses: no verb missing, none to spare', async () => {
		const release = await recordRelease();
		const lease = await recordLeaderElection();
		const alerts = await recordAlertProvider();
		const checked = controllerAccess(undefined).map(check => permission(check.kind, check.verb, check.subresource));
		// Used outside what runs here: the scan for a running Flagger (cluster-runtime.ts, seen on
		// the real API server by test/cluster/rbac-controller.test.ts).
		const elsewhere = ['apps/deployments list'];
		const used = new Set([...release, ...alerts, ...checked, ...elsewhere]);
		expect([...used].filter(each => !clusterRole.has(each)).sort(), 'used but not granted').toEqual([]);
		expect([...clusterRole].filter(each => !used.has(each)).sort(), 'granted but never used').toEqual([]);
		expect([...lease].sort()).toEqual([...leaseRole].sort());
		// The release really went through each router and config tracking.
		for (const each of ['appmesh.k8s.aws/virtualrouters update', 'gateway.networking.k8s.io/httproutes update', '/configmaps create', '/secrets update', 'autoscaling/horizontalpodautoscalers create']) {
			expect(release, each).toContain(each);
		}
	}, 60_000);
});
