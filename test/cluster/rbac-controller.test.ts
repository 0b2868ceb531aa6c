/**
 * `canary-tui controller` (the real binary) under deploy/'s RBAC, not admin: a ServiceAccount in a
 * fresh namespace, bound to a copy of deploy/clusterrole.yaml and deploy/leader-election-role.yaml,
 * its token from the TokenRequest API in a kubeconfig, and every request recorded by the API
 * proxy. It completes a release (webhooks only), is never refused, uses nothing it is not
 * granted, serves /healthz and /metrics; and with one permission taken away it refuses to
 * start with a line naming the user, the verb and the resource. deploy/'s other manifests pass
 * strict server-side validation, and its pod the `restricted` Pod Security Standard.
 */
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {KubeStore} from '../../source/kube/kube-store.js';
import {ApiProxy} from '../support/api-proxy.js';
import {runCli as run} from '../support/cli-process.js';
import {flaggerTotalLint, promtoolProblems} from '../support/promtool.js';
import {detect, fixture, required, until, WebhookServer} from './controller-harness.js';

const manifests = (file: string) => YAML.parseAllDocuments(fs.readFileSync(new URL(`../../deploy/${file}`, import.meta.url), 'utf8')).map(doc => doc.toJS());


const detected = await detect();
if (!detected.connection) console.warn(`!! SKIPPING the controller-under-deploy/-RBAC test: ${detected.reason}`);
describe.runIf(required && !detected.connection)('controller under deploy/ RBAC (required by CANARY_TUI_CLUSTER=1)', () => {
	it('has a cluster', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)('canary-tui controller with the ServiceAccount and ClusterRole of deploy/', () => {
	const connection = detected.connection!;
	const suffix = randomBytes(3).toString('hex');
	const namespace = `obs-rbac-${suffix}`;
	const clusterRoleName = `canary-tui-controller-${namespace}`;
	const user = `system:serviceaccount:${namespace}:canary-tui`;
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-tui-rbac-'));
	let admin: KubeStore;
	let proxy: ApiProxy;
	let hook: WebhookServer;
	let kubeconfig = '';
	const granted = new Set<string>();

	/** A raw request as admin (RBAC kinds and TokenRequests are not in the store's table). */
	const send = async (method: string, url: string, body?: unknown) => {
		const reply = await admin.http.request(method, url, {body});
		if (reply.status >= 300 && !(method === 'DELETE' && reply.status === 404)) throw new Error(`${method} ${url}: HTTP ${reply.status} ${reply.text.slice(0, 300)}`);
		return reply.body;
	};

	beforeAll(async () => {
		admin = new KubeStore({kc: connection.kc});
		await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		// deploy/'s RBAC under test-unique names, bound to a ServiceAccount of this namespace.
		const [clusterRole] = manifests('clusterrole.yaml');
		await send('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {...clusterRole, metadata: {name: clusterRoleName}});
		for (const rule of clusterRole.rules) for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) granted.add(`${verb} ${group ? `${group}/` : ''}${resource}`);
		const [role] = manifests('leader-election-role.yaml');
		await send('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {...role, metadata: {name: role.metadata.name, namespace}});
		for (const rule of role.rules) for (const verb of rule.verbs) granted.add(`${verb} coordination.k8s.io/leases`);
		await send('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'canary-tui', namespace}});
		const subjects = [{kind: 'ServiceAccount', name: 'canary-tui', namespace}];
		await send('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
			apiVersion: 'rbac.authorization.k8s.io/v1',
			kind: 'ClusterRoleBinding',
			metadata: {name: clusterRoleName},
			roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName},
			subjects,
		});
		await send('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
			apiVersion: 'rbac.authorization.k8s.io/v1',
			kind: 'RoleBinding',
			metadata: {name: role.metadata.name, namespace},
			roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name},
			subjects,
		});
		// A token for it, as a pod's projected token would be, in a kubeconfig of its own.
		const token = (await send('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/canary-tui/token`, {apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {expirationSeconds: 3600}})).status.token as string;
		const cluster = connection.kc.getCurrentCluster()!;
		kubeconfig = path.join(folder, 'kubeconfig');
		fs.writeFileSync(
			kubeconfig,
			YAML.stringify({
				apiVersion: 'v1',
				kind: 'Config',
				clusters: [{name: 'local', cluster: {server: cluster.server, 'certificate-authority-data': cluster.caData}}],
				users: [{name: 'canary-tui', user: {token}}],
				contexts: [{name: 'sa', context: {cluster: 'local', user: 'canary-tui', namespace}}],
				'current-context': 'sa',
			}),
			{mode: 0o600},
		);
		proxy = await ApiProxy.start({kubeconfig, namespace});
		hook = await new WebhookServer().start();

		const [deployment] = fixture('deployment.yaml');
		await admin.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		await admin.create({
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace},
			spec: {
				provider: 'kubernetes',
				targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
				progressDeadlineSeconds: 60,
				service: {port: 9898, targetPort: 9898},
				analysis: {
					interval: '10s',
					threshold: 2,
					iterations: 2,
					webhooks: [
						{name: 'smoke', type: 'pre-rollout', url: hook.url, timeout: '5s', metadata: {hook: 'smoke'}},
						{name: 'load', type: 'rollout', url: hook.url, timeout: '5s', metadata: {hook: 'load'}},
					],
				},
			},
		});
	}, 60_000);

	afterAll(async () => {
		await hook?.stop();
		await proxy?.close();
		if (process.env.CANARY_TUI_KEEP !== '1') {
			await send('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${clusterRoleName}`).catch(() => {});
			await send('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${clusterRoleName}`).catch(() => {});
			await admin?.delete('Namespace', '', namespace).catch(() => {});
		}
		await admin?.close();
		fs.rmSync(folder, {recursive: true, force: true});
	}, 60_000);

	it('completes a release, is never refused and uses nothing it is not granted', async () => {
		const controller = run(['controller', '-n', namespace, '--kubeconfig', proxy.kubeconfig, '--port', '0']);
		const phase = async () => (await admin.get('Canary', namespace, 'podinfo'))?.status?.phase as string | undefined;
		const state = () => `stderr: ${controller.err().slice(-500)}; stdout: ${controller.out().split('\n').slice(-5).join(' | ')}`;
		let endpoint = '';
		try {
			endpoint = await until('the controller to say where /metrics is', 30_000, () => /\/metrics and \/healthz on (http:\/\/[^\s"]+)/.exec(controller.out())?.[1], state);
			await until('Initialized', 90_000, async () => (await phase()) === 'Initialized', state);
			const target = (await admin.get('Deployment', namespace, 'podinfo'))!;
			target.spec.template.spec.containers[0].image = 'ghcr.io/stefanprodan/podinfo:5.0.1';
			await admin.update(target);
			await until('Succeeded', 150_000, async () => (await phase()) === 'Succeeded', state);

			expect(await fetch(`${endpoint}/healthz`).then(reply => reply.status)).toBe(200);
			const metrics = await fetch(`${endpoint}/metrics`).then(reply => reply.text());
			expect(metrics).toContain(`flagger_canary_successes_total{name="podinfo",namespace="${namespace}",deployment_strategy="blue-green",analysis_status="completed"} 1`);
			expect(metrics).toContain(`canary_tui_canary_phase{name="podinfo",namespace="${namespace}",target="podinfo",phase="Succeeded"} 1`);
			expect(promtoolProblems(metrics)).toEqual([flaggerTotalLint]);
		} finally {
			controller.child.kill('SIGTERM');
		}
		expect(await controller.exited, controller.err()).toBe(0);

		const messages = controller.out().split('\n').filter(Boolean).map(line => JSON.parse(line).msg as string);
		expect(messages).toContain(`Promotion completed! Scaling down podinfo.${namespace}`);
		expect(new Set(hook.calls.map(call => call.body?.metadata?.hook))).toEqual(new Set(['smoke', 'load']));

		const refused = proxy.requests.filter(request => request.status === 401 || request.status === 403);
		expect(refused.map(request => `${request.method} ${request.path} → ${request.status}`)).toEqual([]);
		// Review APIs are open to every authenticated user (system:basic-user); everything else must be granted.
		const reviews = new Set(['create authentication.k8s.io/selfsubjectreviews', 'create authorization.k8s.io/selfsubjectaccessreviews']);
		const used = proxy.verbs().filter(verb => !reviews.has(verb));
		expect(used.filter(verb => !granted.has(verb)), 'used but not granted').toEqual([]);
		// The verbs the unit test (rbac-clusterrole.test.ts) could only name, seen here for real.
		expect(used).toEqual(expect.arrayContaining(['list apps/deployments', 'create coordination.k8s.io/leases', 'update flagger.app/canaries/status', 'create events']));
		console.info(`requests through the proxy during the release: ${proxy.requests.length}; distinct verbs: ${proxy.verbs().join(', ')}`);
	}, 300_000);

	it("deploy/'s other manifests pass the API server's strict validation, and its pod the restricted Pod Security Standard", async () => {
		// A namespace like deploy/namespace.yaml (same labels), under a test name.
		const [ns] = manifests('namespace.yaml');
		const psa = `${namespace}-psa`;
		expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
		await send('POST', '/api/v1/namespaces', {...ns, metadata: {...ns.metadata, name: psa}});
		try {
			const dryRun = (collection: string, object: any) => send('POST', `${collection}?dryRun=All&fieldValidation=Strict`, {...object, metadata: {...object.metadata, namespace: psa}});
			const [deployment] = manifests('deployment.yaml');
			await dryRun(`/apis/apps/v1/namespaces/${psa}/deployments`, deployment);
			const [service] = manifests('service.yaml');
			await dryRun(`/api/v1/namespaces/${psa}/services`, service);
			// The pod names its ServiceAccount, which must exist: created for real.
			const [account] = manifests('serviceaccount.yaml');
			await send('POST', `/api/v1/namespaces/${psa}/serviceaccounts?fieldValidation=Strict`, {...account, metadata: {...account.metadata, namespace: psa}});
			// Pod Security admission judges pods, not Deployments: the Deployment's pod, as its ReplicaSet would create it.
			const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'canary-tui-check', ...deployment.spec.template.metadata}, spec: deployment.spec.template.spec};
			await dryRun(`/api/v1/namespaces/${psa}/pods`, pod);
			// And the check does refuse a pod that breaks the standard.
			const root = {...pod, spec: {...pod.spec, securityContext: {...pod.spec.securityContext, runAsNonRoot: false}}};
			await expect(dryRun(`/api/v1/namespaces/${psa}/pods`, root)).rejects.toThrow(/HTTP 403 .*violates PodSecurity .*restricted.*runAsNonRoot/);
		} finally {
			await send('DELETE', `/api/v1/namespaces/${psa}`).catch(() => {});
		}
	});

	it('refuses to start without a permission of the ClusterRole, naming the user, verb and resource', async () => {
		const [clusterRole] = manifests('clusterrole.yaml');
		const rules = clusterRole.rules.filter((rule: {resources: string[]}) => !rule.resources.includes('canaries/status'));
		expect(rules.length).toBe(clusterRole.rules.length - 1);
		const current = await send('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${clusterRoleName}`);
		await send('PUT', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${clusterRoleName}`, {...current, rules});
		// RBAC changes reach the authorizer within moments: retry until the start is refused.
		const expected = `canary-tui: forbidden: user "${user}" cannot update canaries.flagger.app/status in namespace "${namespace}"`;
		let last = {code: null as number | null, stderr: ''};
		await until(
			'the controller to refuse to start',
			20_000,
			async () => {
				const attempt = run(['controller', '-n', namespace, '--kubeconfig', kubeconfig, '--port', '0']);
				const code = await Promise.race([attempt.exited, new Promise<'running'>(resolve => setTimeout(() => resolve('running'), 8000))]);
				if (code === 'running') {
					attempt.child.kill('SIGTERM');
					await attempt.exited;
				}
				last = {code: code === 'running' ? null : code, stderr: attempt.err()};
				return last.code === 2 && last.stderr.includes(expected);
			},
			() => JSON.stringify(last),
		);
		expect(last.stderr.trim().split('\n')).toHaveLength(1);
		expect(last.stderr).toContain(expected);
	}, 120_000);
});
