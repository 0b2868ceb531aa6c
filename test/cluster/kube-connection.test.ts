/**
 * connect() and the one-line errors (source/kube/connection.ts): kubeconfig files, contexts,
 * an unreachable server, bad credentials and a forbidden verb, against a real kube-apiserver
 * with RBAC (scripts/local-cluster.sh; CANARY_TUI_RESTRICTED_KUBECONFIG is its user without
 * rights). The file-only cases run without a cluster too.
 */
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';
import {connect, ConnectionError, controllerAccess, explain, type Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import {detect, required} from './detect-cluster.js';


const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the connection tests against a cluster: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('connection cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-connection-'));
const write = (name: string, content: unknown) => {
	const file = path.join(tmp, name);
	fs.writeFileSync(file, typeof content === 'string' ? content : YAML.stringify(content), {mode: 0o600});
	return file;
};
const noEnv = {env: {}, home: tmp, probe: false};

/** The line, checked to be one line without a stack. */
async function failure(promise: Promise<unknown>): Promise<string> {
	const error = await promise.then(
		() => undefined,
		caught => caught,
	);
	expect(error, 'expected a ConnectionError').toBeInstanceOf(ConnectionError);
	const line = (error as Error).message;
	expect(line).not.toContain('\n');
	expect(line).toMatch(/^canary-tui: /);
	return line;
}

const config = (server: string, contexts: string[], current?: string) => ({
	apiVersion: 'v1',
	kind: 'Config',
	clusters: [{name: 'c', cluster: {server}}],
	users: [{name: 'u', user: {token: 'nope'}}],
	contexts: contexts.map(name => ({name, context: {cluster: 'c', user: 'u', namespace: `${name}-ns`}})),
	...(current ? {'current-context': current} : {}),
});

describe('connect: kubeconfig files and contexts (no cluster needed)', () => {
	it('a missing --kubeconfig file', async () => {
		const line = await failure(connect({...noEnv, kubeconfig: path.join(tmp, 'missing.yaml')}));
		expect(line).toBe(`canary-tui: kubeconfig ${path.join(tmp, 'missing.yaml')} does not exist (from --kubeconfig)`);
	});

	it('KUBECONFIG whose files are all missing', async () => {
		const line = await failure(connect({...noEnv, env: {KUBECONFIG: `${tmp}/a${path.delimiter}${tmp}/b`}}));
		expect(line).toContain('does not exist (from KUBECONFIG)');
	});

	it('no kubeconfig anywhere and not in a pod', async () => {
		expect(await failure(connect(noEnv))).toMatch(/no kubeconfig: set KUBECONFIG, pass --kubeconfig/);
	});

	it('a broken kubeconfig', async () => {
		const file = write('broken.yaml', 'clusters: [\n  - {name: x\n');
		expect(await failure(connect({...noEnv, kubeconfig: file}))).toMatch(new RegExp(`^canary-tui: cannot read kubeconfig ${file} \\(from --kubeconfig\\): `));
		const notConfig = write('not-config.yaml', 'hello: world\n');
		expect(await failure(connect({...noEnv, kubeconfig: notConfig}))).toContain('not a kubeconfig');
		const noServer = write('no-server.yaml', {clusters: [{name: 'c', cluster: {}}], contexts: [], users: []});
		expect(await failure(connect({...noEnv, kubeconfig: noServer}))).toContain('clusters[0].cluster.server is missing');
	});

	it('an unknown --context names the known ones', async () => {
		const file = write('contexts.yaml', config('https://127.0.0.1:1', ['dev', 'prod'], 'dev'));
		expect(await failure(connect({...noEnv, kubeconfig: file, context: 'staging'}))).toBe(`canary-tui: context "staging" not found in kubeconfig ${file} (contexts: dev, prod)`);
		const none = write('no-current.yaml', config('https://127.0.0.1:1', ['dev']));
		expect(await failure(connect({...noEnv, kubeconfig: none}))).toContain('has no current-context: pass --context (contexts: dev)');
	});

	it('merges several KUBECONFIG files like kubectl: the first definition and current-context win', async () => {
		const first = write('first.yaml', config('https://first.example:6443', ['dev'], 'dev'));
		const second = write('second.yaml', {...config('https://second.example:6443', ['dev', 'prod'], 'prod'), clusters: [{name: 'c', cluster: {server: 'https://second.example:6443'}}]});
		const env = {KUBECONFIG: [first, path.join(tmp, 'skipped-missing.yaml'), second].join(path.delimiter)};
		const merged = await connect({...noEnv, env});
		expect(merged).toMatchObject({context: 'dev', server: 'https://first.example:6443', namespace: 'dev-ns', user: 'u'});
		const prod = await connect({...noEnv, env, context: 'prod', namespace: 'apps'});
		expect(prod).toMatchObject({context: 'prod', namespace: 'apps'});
	});
});

const connection = detected.connection as Connection;

describe.skipIf(!detected.connection)('connect: against the real API server', () => {
	const namespace = `kube-conn-${randomBytes(3).toString('hex')}`;
	let admin: KubeStore;

	beforeAll(async () => {
		admin = new KubeStore({kc: connection.kc});
		await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
	});

	afterAll(async () => {
		await admin?.delete('Namespace', '', namespace).catch(() => {});
		await admin?.close();
	});

	it('reads KUBECONFIG, probes /version and learns who we are', async () => {
		expect(connection.version).toMatch(/^v1\.\d+/);
		expect(connection.user).toBe('canary-tui-admin');
		expect(connection.context).toBe('canary-tui-local');
		expect(connection.namespace).toBe('default');
		const withNamespace = await connect({kubeconfig: process.env.KUBECONFIG, namespace: 'apps'});
		expect(withNamespace.namespace).toBe('apps');
	});

	it('an unreachable server (a closed port) is one line within the timeout', async () => {
		const port = await new Promise<number>(resolve => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const {port} = server.address() as net.AddressInfo;
				server.close(() => resolve(port));
			});
		});
		const file = write('closed.yaml', {...YAML.parse(connection.kc.exportConfig()), clusters: [{name: connection.kc.getCurrentCluster()!.name, cluster: {server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true}}]});
		const started = Date.now();
		const line = await failure(connect({kubeconfig: file, timeoutMs: 2000}));
		expect(Date.now() - started).toBeLessThan(3000);
		expect(line).toBe(`canary-tui: cannot reach the API server: connect ECONNREFUSED 127.0.0.1:${port} (context canary-tui-local, server https://127.0.0.1:${port})`);
	});

	it('a server that never answers times out as one line', async () => {
		const silent = net.createServer(() => {});
		await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
		const {port} = silent.address() as net.AddressInfo;
		try {
			const file = write('silent.yaml', {...config(`https://127.0.0.1:${port}`, ['silent'], 'silent')});
			const line = await failure(connect({kubeconfig: file, timeoutMs: 1000}));
			expect(line).toBe(`canary-tui: cannot reach the API server: GET /version: no answer from https://127.0.0.1:${port} within 1s (context silent, server https://127.0.0.1:${port})`);
		} finally {
			silent.close();
		}
	});

	it('credentials the server rejects', async () => {
		const exported = YAML.parse(connection.kc.exportConfig());
		const file = write('bad-token.yaml', {...exported, users: [{name: connection.kc.getCurrentUser()!.name, user: {token: 'not-a-token'}}]});
		expect(await failure(connect({kubeconfig: file}))).toBe(`canary-tui: unauthorized: the server rejected the credentials of user "${connection.kc.getCurrentUser()!.name}" (context canary-tui-local, server ${connection.server})`);
	});

	describe.skipIf(!process.env.CANARY_TUI_RESTRICTED_KUBECONFIG)('a forbidden verb (CANARY_TUI_RESTRICTED_KUBECONFIG)', () => {
		let restricted: Connection;

		beforeAll(async () => {
			restricted = await connect({kubeconfig: process.env.CANARY_TUI_RESTRICTED_KUBECONFIG, namespace});
			// The restricted user may read Canaries in this namespace, and nothing else.
			const role = await admin.http.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
				body: {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'canary-reader'}, rules: [{apiGroups: ['flagger.app'], resources: ['canaries'], verbs: ['get', 'list', 'watch']}]},
			});
			expect(role.status, role.text).toBe(201);
			const binding = await admin.http.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
				body: {
					apiVersion: 'rbac.authorization.k8s.io/v1',
					kind: 'RoleBinding',
					metadata: {name: 'canary-reader'},
					roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'canary-reader'},
					subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'canary-tui:restricted'}],
				},
			});
			expect(binding.status, binding.text).toBe(201);
			await admin.create({apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: {name: 'podinfo', namespace}, spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 3}}});
		});

		it('the store error is one line naming user, verb, resource, namespace, context and server', async () => {
			expect(restricted.user).toBe('canary-tui-restricted');
			const store = new KubeStore({kc: restricted.kc, namespace});
			try {
				const canary = await store.get('Canary', namespace, 'podinfo');
				expect(canary?.metadata.name, 'reading is allowed').toBe('podinfo');
				const error = await store.updateStatus({...canary!, status: {phase: 'Initializing'}}).catch(caught => caught);
				expect(error.reason).toBe('Forbidden');
				expect(error.message, "the server's own message").toContain('cannot update resource "canaries/status" in API group "flagger.app"');
				expect(explain(error, restricted).message).toBe(
					`canary-tui: forbidden: user "canary-tui-restricted" cannot update canaries.flagger.app/status in namespace "${namespace}" (context canary-tui-local-restricted, server ${connection.server})`,
				);
				const listAll = await store.list('Deployment').catch(caught => caught);
				expect(explain(listAll, restricted).message).toBe(
					`canary-tui: forbidden: user "canary-tui-restricted" cannot list deployments.apps in all namespaces (context canary-tui-local-restricted, server ${connection.server})`,
				);
			} finally {
				await store.close();
			}
		});

		it('checked up front with access reviews: the first verb denied is the line', async () => {
			const line = await failure(connect({kubeconfig: process.env.CANARY_TUI_RESTRICTED_KUBECONFIG, namespace, access: controllerAccess(namespace)}));
			expect(line).toBe(`canary-tui: forbidden: user "canary-tui-restricted" cannot update canaries.flagger.app in namespace "${namespace}" (context canary-tui-local-restricted, server ${connection.server})`);
			// The admin may do all of it.
			await expect(connect({namespace, access: controllerAccess(namespace)})).resolves.toMatchObject({namespace});
		});
	});
});
