// Config tracking (semantics §3.2, §8.1–8.2): the pure tracker (references, Go JSON checksums,
// renames) and the Deployment controller's -primary ConfigMaps/Secrets on the in-memory API.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {emptyStatus, haveDependenciesChanged, syncStatus} from '../../source/core/engine/status.js';
import type {Canary} from '../../source/core/spec/types.js';
import {
	configChecksum,
	configReferences,
	goJsonString,
	goJsonStringMap,
	isTracked,
	renameForPrimary,
} from '../../source/core/workloads/config-tracking.js';
import {DeploymentWorkloads} from '../../source/controller/deployment-workloads.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A pod spec referencing configs every way Flagger tracks. */
const podSpec = () => ({
	volumes: [
		{name: 'config', configMap: {name: 'app-config'}},
		{name: 'tls', secret: {secretName: 'app-tls', optional: true}},
		{
			name: 'bundle',
			projected: {
				sources: [{configMap: {name: 'projected-config'}}, {secret: {name: 'projected-secret', optional: true}}, {serviceAccountToken: {path: 'token'}}],
			},
		},
		{name: 'scratch', emptyDir: {}},
	],
	initContainers: [
		{
			name: 'init',
			image: 'busybox',
			env: [{name: 'INIT', valueFrom: {configMapKeyRef: {name: 'init-config', key: 'k'}}}],
			envFrom: [{secretRef: {name: 'init-secret'}}],
		},
	],
	containers: [
		{
			name: 'app',
			image: 'app',
			env: [
				{name: 'PLAIN', value: 'x'},
				{name: 'FROM_CM', valueFrom: {configMapKeyRef: {name: 'env-config', key: 'k', optional: true}}},
				{name: 'FROM_SECRET', valueFrom: {secretKeyRef: {name: 'env-secret', key: 'k'}}},
				{name: 'POD', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
			],
			envFrom: [{configMapRef: {name: 'app-config'}}, {secretRef: {name: 'envfrom-secret', optional: true}}],
		},
	],
});

describe('config tracking: Go encoding/json and checksums', () => {
	// Expected values computed with Go 1.26 encoding/json.Marshal + sha256.Sum256(...)[:8].
	it('escapes like Go: HTML characters, control characters, U+2028/U+2029', () => {
		expect(goJsonString('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
		expect(goJsonString('\b\f\n\r\t\x01\x1f\x7f')).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f"');
		expect(goJsonString('a\u2028b\u2029c')).toBe('"a\\u2028b\\u2029c"');
		expect(goJsonString('C:\\path')).toBe('"C:\\\\path"');
		expect(goJsonString('héllo 😀')).toBe('"héllo 😀"');
		expect(goJsonString('lone \ud800 surrogate')).toBe('"lone \\ufffd surrogate"');
	});

	it('matches Go byte for byte and hash for hash', () => {
		expect(goJsonStringMap({b: '2', a: '1'})).toBe('{"a":"1","b":"2"}');
		expect(configChecksum({b: '2', a: '1'})).toBe('21f76dfbfe6dfe21');
		const tricky = {html: '<a href="x">&</a>', ctl: '\b\f\n\r\t\x01\x1f\x7f', sep: 'a\u2028b\u2029c', uni: 'héllo 😀', bs: 'C:\\path'};
		expect(goJsonStringMap(tricky)).toBe(
			'{"bs":"C:\\\\path","ctl":"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f","html":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e","sep":"a\\u2028b\\u2029c","uni":"héllo 😀"}',
		);
		expect(configChecksum(tricky)).toBe('c4d2eee5144edfb7');
		expect(configChecksum(undefined)).toBe('74234e98afe7498f'); // nil map → null
		expect(configChecksum({})).toBe('44136fa355b3678a');
		// Secret values are the base64 strings as stored (Go marshals []byte as base64).
		expect(configChecksum({password: b64('s3cr3t'), user: b64('admin')})).toBe('0b66b4a1026df054');
		// Keys sorted by UTF-8 bytes, not UTF-16 code units.
		expect(goJsonStringMap({z: '1', é: '2', '😀': '3', Ａ: '4'})).toBe('{"z":"1","é":"2","Ａ":"4","😀":"3"}');
		expect(configChecksum({z: '1', é: '2', '😀': '3', Ａ: '4'})).toBe('1aa70dfe49e02b84');
	});

	it('is stable, independent of key order and sensitive to data', () => {
		const one = configChecksum({alpha: '1', beta: '2', gamma: '3'});
		expect(one).toMatch(/^[0-9a-f]{16}$/);
		expect(configChecksum({gamma: '3', alpha: '1', beta: '2'})).toBe(one);
		expect(configChecksum({alpha: '1', beta: '2', gamma: '3'})).toBe(one);
		expect(configChecksum({alpha: '1', beta: '2', gamma: '4'})).not.toBe(one);
	});
});

describe('config tracking: references, filters and renames', () => {
	it('finds volumes, projected sources, env and envFrom of containers and init containers', () => {
		expect(configReferences(podSpec())).toEqual([
			{kind: 'configmap', name: 'app-config', optional: false},
			{kind: 'secret', name: 'app-tls', optional: true},
			{kind: 'configmap', name: 'projected-config', optional: false},
			{kind: 'secret', name: 'projected-secret', optional: true},
			{kind: 'configmap', name: 'env-config', optional: true},
			{kind: 'secret', name: 'env-secret', optional: false},
			{kind: 'secret', name: 'envfrom-secret', optional: true},
			{kind: 'configmap', name: 'init-config', optional: false},
			{kind: 'secret', name: 'init-secret', optional: false},
		]);
		expect(configReferences(undefined)).toEqual([]);
		expect(configReferences({containers: [{name: 'a', image: 'a'}]})).toEqual([]);
	});

	it('a reference is optional only when every use of it is optional', () => {
		const spec = {
			volumes: [{name: 'v', configMap: {name: 'shared', optional: true}}],
			containers: [{name: 'a', envFrom: [{configMapRef: {name: 'shared'}}]}],
		};
		expect(configReferences(spec)).toEqual([{kind: 'configmap', name: 'shared', optional: false}]);
	});

	it('ignores annotation-disabled objects and untracked Secret types', () => {
		expect(isTracked('configmap', {metadata: {}})).toBe(true);
		expect(isTracked('configmap', {metadata: {annotations: {'flagger.app/config-tracking': 'disabled'}}})).toBe(false);
		expect(isTracked('configmap', {metadata: {annotations: {'flagger.app/config-tracking': 'disable'}}})).toBe(false);
		expect(isTracked('configmap', {metadata: {annotations: {'flagger.app/config-tracking': 'enabled'}}})).toBe(true);
		for (const type of ['Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls', undefined]) {
			expect(isTracked('secret', {metadata: {}, type})).toBe(true);
		}
		for (const type of ['kubernetes.io/dockerconfigjson', 'kubernetes.io/service-account-token', 'bootstrap.kubernetes.io/token']) {
			expect(isTracked('secret', {metadata: {}, type})).toBe(false);
		}
		expect(isTracked('secret', {metadata: {annotations: {'flagger.app/config-tracking': 'disabled'}}, type: 'Opaque'})).toBe(false);
	});

	it('renames every reference to a tracked object and nothing else', () => {
		const original = podSpec();
		const tracked = ['configmap/app-config', 'secret/app-tls', 'configmap/projected-config', 'secret/projected-secret', 'secret/env-secret', 'configmap/init-config', 'secret/init-secret'];
		const renamed = renameForPrimary(original, tracked);
		expect(original).toEqual(podSpec()); // input untouched
		expect(renamed.volumes[0]).toEqual({name: 'config', configMap: {name: 'app-config-primary'}});
		expect(renamed.volumes[1]).toEqual({name: 'tls', secret: {secretName: 'app-tls-primary', optional: true}});
		expect(renamed.volumes[2]!.projected!.sources).toEqual([
			{configMap: {name: 'projected-config-primary'}},
			{secret: {name: 'projected-secret-primary', optional: true}},
			{serviceAccountToken: {path: 'token'}},
		]);
		expect(renamed.volumes[3]).toEqual({name: 'scratch', emptyDir: {}});
		const [app] = renamed.containers;
		expect(app!.env[1]!.valueFrom!.configMapKeyRef!.name).toBe('env-config'); // not tracked
		expect(app!.env[2]!.valueFrom!.secretKeyRef!.name).toBe('env-secret-primary');
		expect(app!.envFrom).toEqual([{configMapRef: {name: 'app-config-primary'}}, {secretRef: {name: 'envfrom-secret', optional: true}}]);
		const [init] = renamed.initContainers;
		expect(init!.env[0]!.valueFrom!.configMapKeyRef).toEqual({name: 'init-config-primary', key: 'k'});
		expect(init!.envFrom).toEqual([{secretRef: {name: 'init-secret-primary'}}]);
	});

	it('accepts trackedConfigs maps and does not confuse kinds', () => {
		const spec = {volumes: [{name: 'a', configMap: {name: 'same'}}, {name: 'b', secret: {secretName: 'same'}}]};
		const renamed = renameForPrimary(spec, {'secret/same': '0123456789abcdef'});
		expect(renamed.volumes).toEqual([
			{name: 'a', configMap: {name: 'same'}},
			{name: 'b', secret: {secretName: 'same-primary'}},
		]);
	});
});

// ---- the Deployment controller on the in-memory API ----

const canaryFixture = () =>
	parseAllDocuments(readFileSync(new URL('../fixtures/podinfo/canary.yaml', import.meta.url), 'utf8')).map(doc => doc.toJS() as KubeObject)[0]!;

const configMap = (name: string, data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
	apiVersion: 'v1',
	kind: 'ConfigMap',
	metadata: {name, namespace: 'apps', labels: {app: 'podinfo', 'kustomize.toolkit.fluxcd.io/name': 'apps'}, ...(annotations ? {annotations} : {})},
	data,
});

const secret = (name: string, data: Record<string, string>, type = 'Opaque'): KubeObject => ({
	apiVersion: 'v1',
	kind: 'Secret',
	metadata: {name, namespace: 'apps', labels: {app: 'podinfo'}},
	type,
	data,
});

async function setup(objects: KubeObject[], pod?: Record<string, unknown>) {
	const store = new MemoryStore(() => 0);
	for (const object of objects) await store.create(object);
	await store.create({
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {
			replicas: 2,
			selector: {matchLabels: {app: 'podinfo'}},
			template: {
				metadata: {labels: {app: 'podinfo'}},
				spec: pod ?? {
					volumes: [
						{name: 'config', configMap: {name: 'podinfo-config'}},
						{name: 'bundle', projected: {sources: [{secret: {name: 'podinfo-auth'}}, {configMap: {name: 'podinfo-untracked'}}]}},
						{name: 'registry', secret: {secretName: 'podinfo-registry'}},
					],
					initContainers: [{name: 'init', image: 'busybox', envFrom: [{secretRef: {name: 'podinfo-auth'}}]}],
					containers: [
						{
							name: 'podinfod',
							image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
							env: [{name: 'OPTIONAL', valueFrom: {configMapKeyRef: {name: 'absent', key: 'k', optional: true}}}],
							envFrom: [{configMapRef: {name: 'podinfo-config'}}],
						},
					],
				},
			},
		},
	});
	const canary = (await store.create({...canaryFixture(), metadata: {...canaryFixture().metadata, namespace: 'apps'}})) as unknown as Canary;
	let ids = 0;
	const workloads = new DeploymentWorkloads({store, now: () => 0, newId: () => `id-${++ids}`});
	return {store, canary, workloads};
}

const standardObjects = () => [
	configMap('podinfo-config', {'app.yaml': 'level: info'}),
	configMap('podinfo-untracked', {x: '1'}, {'flagger.app/config-tracking': 'disabled'}),
	secret('podinfo-auth', {username: b64('admin'), password: b64('s3cr3t')}, 'kubernetes.io/basic-auth'),
	secret('podinfo-registry', {'.dockerconfigjson': b64('{}')}, 'kubernetes.io/dockerconfigjson'),
];

describe('config tracking in the Deployment controller', () => {
	it('revision tracks referenced configs, skipping disabled, untracked types and optional missing ones', async () => {
		const {workloads, canary} = await setup(standardObjects());
		const revision = await workloads.revision(canary);
		expect(revision.trackedConfigs).toEqual({
			'configmap/podinfo-config': configChecksum({'app.yaml': 'level: info'}),
			'secret/podinfo-auth': configChecksum({username: b64('admin'), password: b64('s3cr3t')}),
		});
	});

	it('revision has no trackedConfigs when nothing is referenced', async () => {
		const {workloads, canary} = await setup([], {containers: [{name: 'podinfod', image: 'podinfo'}]});
		expect((await workloads.revision(canary)).trackedConfigs).toBeUndefined();
	});

	it('initializePrimary writes -primary copies first and renames the primary pod spec', async () => {
		const {store, workloads, canary} = await setup(standardObjects());
		const order: string[] = [];
		store.watch(event => event.type === 'ADDED' && order.push(`${event.object.kind}/${event.object.metadata.name}`));
		expect(await workloads.initializePrimary(canary)).toEqual({ok: true});
		expect(order).toEqual(['ConfigMap/podinfo-config-primary', 'Secret/podinfo-auth-primary', 'Deployment/podinfo-primary']);

		const cm = store.getSync('ConfigMap', 'apps', 'podinfo-config-primary')!;
		expect(cm.data).toEqual({'app.yaml': 'level: info'});
		expect(cm.metadata.labels).toEqual({app: 'podinfo'});
		expect(cm.metadata.ownerReferences).toEqual([{apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', uid: canary.metadata.uid, controller: true}]);
		const sec = store.getSync('Secret', 'apps', 'podinfo-auth-primary')!;
		expect(sec.type).toBe('kubernetes.io/basic-auth');
		expect(sec.data).toEqual({username: b64('admin'), password: b64('s3cr3t')});
		expect(store.getSync('ConfigMap', 'apps', 'podinfo-untracked-primary')).toBeUndefined();
		expect(store.getSync('Secret', 'apps', 'podinfo-registry-primary')).toBeUndefined();

		const pod = store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template.spec;
		expect(pod.volumes).toEqual([
			{name: 'config', configMap: {name: 'podinfo-config-primary'}},
			{name: 'bundle', projected: {sources: [{secret: {name: 'podinfo-auth-primary'}}, {configMap: {name: 'podinfo-untracked'}}]}},
			{name: 'registry', secret: {secretName: 'podinfo-registry'}},
		]);
		expect(pod.initContainers[0].envFrom).toEqual([{secretRef: {name: 'podinfo-auth-primary'}}]);
		expect(pod.containers[0].envFrom).toEqual([{configMapRef: {name: 'podinfo-config-primary'}}]);
		expect(pod.containers[0].env[0].valueFrom.configMapKeyRef.name).toBe('absent');
		// The target itself keeps its references.
		expect(store.getSync('Deployment', 'apps', 'podinfo')!.spec.template.spec.volumes[0].configMap.name).toBe('podinfo-config');
	});

	it('a ConfigMap data change is a new revision, and promotion copies it to the primary', async () => {
		const {store, workloads, canary} = await setup(standardObjects());
		await workloads.initializePrimary(canary);
		const before = await workloads.revision(canary);
		const status = syncStatus(canary, emptyStatus(), {phase: 'Initialized'}, before, '2026-01-01T00:00:00Z');
		expect(haveDependenciesChanged(status, before)).toBe(false);

		const cm = store.getSync('ConfigMap', 'apps', 'podinfo-config')!;
		await store.update({...cm, data: {'app.yaml': 'level: debug'}});
		const after = await workloads.revision(canary);
		expect(after.hash).toBe(before.hash);
		expect(after.trackedConfigs!['configmap/podinfo-config']).not.toBe(before.trackedConfigs!['configmap/podinfo-config']);
		expect(after.trackedConfigs!['secret/podinfo-auth']).toBe(before.trackedConfigs!['secret/podinfo-auth']);
		expect(haveDependenciesChanged(status, after)).toBe(true);

		// Promote: the copy is updated before the primary Deployment.
		const order: string[] = [];
		store.watch(event => order.push(`${event.type} ${event.object.kind}/${event.object.metadata.name}`));
		expect(await workloads.promote(canary)).toEqual({ok: true});
		expect(order).toEqual(['MODIFIED ConfigMap/podinfo-config-primary', 'MODIFIED Deployment/podinfo-primary']);
		expect(store.getSync('ConfigMap', 'apps', 'podinfo-config-primary')!.data).toEqual({'app.yaml': 'level: debug'});
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template.spec.volumes[0].configMap.name).toBe('podinfo-config-primary');
	});

	it('promote creates copies of newly referenced configs and keeps other owners as non-controllers', async () => {
		const {store, workloads, canary} = await setup([...standardObjects(), configMap('extra', {a: '1'})]);
		await workloads.initializePrimary(canary);
		const existing = store.getSync('ConfigMap', 'apps', 'podinfo-config-primary')!;
		const other = {apiVersion: 'v1', kind: 'Other', name: 'x', uid: 'other', controller: true};
		await store.update({...existing, metadata: {...existing.metadata, ownerReferences: [other, ...existing.metadata.ownerReferences!]}});
		const target = store.getSync('Deployment', 'apps', 'podinfo')!;
		target.spec.template.spec.containers[0].envFrom.push({configMapRef: {name: 'extra'}});
		await store.update(target);

		expect(await workloads.promote(canary)).toEqual({ok: true});
		expect(store.getSync('ConfigMap', 'apps', 'extra-primary')!.data).toEqual({a: '1'});
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')!.spec.template.spec.containers[0].envFrom).toEqual([
			{configMapRef: {name: 'podinfo-config-primary'}},
			{configMapRef: {name: 'extra-primary'}},
		]);
		expect(store.getSync('ConfigMap', 'apps', 'podinfo-config-primary')!.metadata.ownerReferences).toEqual([
			{...other, controller: false},
			{apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', uid: canary.metadata.uid, controller: true},
		]);
	});

	it('changes to an annotation-disabled ConfigMap or an untracked Secret type are not a new revision', async () => {
		const {store, workloads, canary} = await setup(standardObjects());
		const before = await workloads.revision(canary);
		const status = syncStatus(canary, emptyStatus(), {phase: 'Initialized'}, before, '2026-01-01T00:00:00Z');
		const untracked = store.getSync('ConfigMap', 'apps', 'podinfo-untracked')!;
		await store.update({...untracked, data: {x: '2'}});
		const registry = store.getSync('Secret', 'apps', 'podinfo-registry')!;
		await store.update({...registry, data: {'.dockerconfigjson': b64('{"auths":{}}')}});
		const after = await workloads.revision(canary);
		expect(after).toEqual(before);
		expect(haveDependenciesChanged(status, after)).toBe(false);
	});

	it('a missing required ConfigMap is an error naming it', async () => {
		const objects = standardObjects().filter(object => object.metadata.name !== 'podinfo-config');
		const {store, workloads, canary} = await setup(objects);
		await expect(workloads.revision(canary)).rejects.toThrow(/podinfo-config/);
		const init = await workloads.initializePrimary(canary);
		expect(init.ok).toBe(false);
		expect(init.ok === false && init.error).toContain('configmaps "podinfo-config" not found');
		// Nothing is written when a required config is missing.
		expect(store.getSync('Deployment', 'apps', 'podinfo-primary')).toBeUndefined();
		expect(store.getSync('Secret', 'apps', 'podinfo-auth-primary')).toBeUndefined();
	});

	it('a missing required Secret is an error naming it; an optional missing Secret is skipped', async () => {
		const spec = (optional: boolean) => ({containers: [{name: 'a', image: 'a', envFrom: [{secretRef: {name: 'gone', optional}}]}]});
		const required = await setup([], spec(false));
		await expect(required.workloads.revision(required.canary)).rejects.toThrow('secrets "gone" not found');
		const optional = await setup([], spec(true));
		expect((await optional.workloads.revision(optional.canary)).trackedConfigs).toBeUndefined();
	});
});
