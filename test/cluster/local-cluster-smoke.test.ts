/**
 * Smoke test of the local control plane (scripts/local-cluster.sh): a real kube-apiserver with
 * etcd, kube-controller-manager, kube-scheduler and a kwok fake node, and canary-tui's CRDs.
 *
 * Runs when KUBECONFIG points at a reachable API server on 127.0.0.1/localhost, or always with
 * CANARY_TUI_CLUSTER=1 (then a missing KUBECONFIG starts the cluster with `local-cluster.sh up`,
 * and an unreachable server fails the run instead of skipping it). Otherwise it is skipped with
 * a loud message. It talks plain HTTPS with the kubeconfig's credentials: no kubectl and no
 * client library needed.
 *
 *   eval "$(scripts/local-cluster.sh up)" && npx vitest run test/cluster
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import YAML from 'yaml';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const namespace = process.env.CANARY_TUI_SMOKE_NAMESPACE ?? 'apps';
const fieldManager = 'canary-tui-smoke-test';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Kube = {
	server: URL;
	agent: https.Agent | http.Agent;
	headers: Record<string, string>;
	file: string;
};

type Reply = {status: number; body: Json; text: string};

function loadKubeconfig(file: string): Kube {
	const config = YAML.parse(fs.readFileSync(file, 'utf8')) as Json;
	const dir = path.dirname(file);
	const named = (list: Json[] | undefined, name: string) => (list ?? []).find(entry => entry.name === name);
	const contextName = config['current-context'] ?? config.contexts?.[0]?.name;
	const context = named(config.contexts, contextName)?.context;
	if (!context) throw new Error(`${file}: no context "${contextName}"`);
	const cluster = named(config.clusters, context.cluster)?.cluster;
	const user = named(config.users, context.user)?.user ?? {};
	if (!cluster?.server) throw new Error(`${file}: context "${contextName}" has no cluster server`);
	const read = (data: string | undefined, ref: string | undefined) =>
		data ? Buffer.from(data, 'base64') : ref ? fs.readFileSync(path.resolve(dir, ref)) : undefined;
	const server = new URL(cluster.server);
	const headers: Record<string, string> = {};
	const token = user.token ?? (user.tokenFile ? fs.readFileSync(path.resolve(dir, user.tokenFile), 'utf8').trim() : undefined);
	if (token) headers.authorization = `Bearer ${token}`;
	if (user.username) headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
	const agent =
		server.protocol === 'https:'
			? new https.Agent({
					keepAlive: true,
					ca: read(cluster['certificate-authority-data'], cluster['certificate-authority']),
					cert: read(user['client-certificate-data'], user['client-certificate']),
					key: read(user['client-key-data'], user['client-key']),
					rejectUnauthorized: !cluster['insecure-skip-tls-verify'],
				})
			: new http.Agent({keepAlive: true});
	return {server, agent, headers, file};
}

async function call(
	kube: Kube,
	method: string,
	urlPath: string,
	options: {body?: unknown; contentType?: string; accept?: string; timeoutMs?: number} = {},
): Promise<Reply> {
	const url = new URL(urlPath, kube.server);
	const payload =
		options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
	const lib = url.protocol === 'https:' ? https : http;
	return new Promise<Reply>((resolve, reject) => {
		const request = lib.request(
			url,
			{
				method,
				agent: kube.agent,
				timeout: options.timeoutMs ?? 30_000,
				headers: {
					...kube.headers,
					accept: options.accept ?? 'application/json',
					...(payload === undefined
						? {}
						: {'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload)}),
				},
			},
			response => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: Json = undefined;
					try {
						body = text ? JSON.parse(text) : undefined;
					} catch {
						body = undefined;
					}
					resolve({status: response.statusCode ?? 0, body, text});
				});
			},
		);
		request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${url.href}`)));
		request.on('error', reject);
		if (payload !== undefined) request.write(payload);
		request.end();
	});
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, describeLast?: () => Promise<string>): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			const last = describeLast ? await describeLast().catch(error => String(error)) : '';
			throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${last}` : ''}`);
		}
		await sleep(250);
	}
}

function fixtureDocs(relative: string): Json[] {
	return YAML.parseAllDocuments(fs.readFileSync(path.join(repo, relative), 'utf8'))
		.map(document => document.toJS())
		.filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// Which cluster, if any: decided before the suites are declared, so that a skip is visible.
// ---------------------------------------------------------------------------------------------
const required = process.env.CANARY_TUI_CLUSTER === '1';

function banner(lines: string[]) {
	const bar = '!'.repeat(96);
	console.warn([bar, ...lines.map(line => `!!  ${line}`), bar].join('\n'));
}

async function detectCluster(): Promise<{kube?: Kube; reason?: string}> {
	let file = (process.env.KUBECONFIG ?? '').split(path.delimiter).find(Boolean);
	if (!file && required) {
		// Bring the local cluster up (cached build; the first cold build takes several minutes).
		const out = execFileSync('bash', [path.join(repo, 'scripts/local-cluster.sh'), 'up'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
			timeout: 45 * 60_000,
		});
		file = /^export KUBECONFIG=(.+)$/m.exec(out)?.[1]?.replace(/^'(.*)'$/, '$1');
	}
	if (!file) return {reason: 'KUBECONFIG is not set'};
	if (!fs.existsSync(file)) return {reason: `KUBECONFIG=${file} does not exist`};
	let kube: Kube;
	try {
		kube = loadKubeconfig(file);
	} catch (error) {
		return {reason: `cannot read KUBECONFIG=${file}: ${(error as Error).message}`};
	}
	const local = ['127.0.0.1', 'localhost', '[::1]'].includes(kube.server.hostname);
	if (!local && !required) {
		return {
			reason: `KUBECONFIG points at ${kube.server.origin}, not at a local cluster: this test creates and deletes objects, so it runs there only with CANARY_TUI_CLUSTER=1`,
		};
	}
	try {
		const ready = await call(kube, 'GET', '/readyz', {accept: 'text/plain', timeoutMs: 5000});
		if (ready.status !== 200) return {reason: `${kube.server.origin}/readyz answered HTTP ${ready.status}: ${ready.text.slice(0, 200)}`};
	} catch (error) {
		return {reason: `${kube.server.origin} is not reachable: ${(error as Error).message}`};
	}
	return {kube};
}

const detected = await detectCluster();
if (!detected.kube) {
	banner([
		`SKIPPING the local-cluster smoke test: ${detected.reason}.`,
		'Start the real API server first:  eval "$(scripts/local-cluster.sh up)"',
		'or set CANARY_TUI_CLUSTER=1 to make this test start it (and fail when it cannot).',
	]);
}

describe.runIf(required && !detected.kube)('local cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const kube = detected.kube as Kube;
const api = (method: string, urlPath: string, options?: Parameters<typeof call>[3]) => call(kube, method, urlPath, options);

async function ensureNamespace(name: string) {
	const reply = await api('POST', '/api/v1/namespaces', {body: {apiVersion: 'v1', kind: 'Namespace', metadata: {name}}});
	if (reply.status !== 201 && reply.status !== 409) throw new Error(`create namespace ${name}: HTTP ${reply.status} ${reply.text}`);
}

async function deleteAndWait(urlPath: string, timeoutMs = 60_000) {
	const reply = await api('DELETE', urlPath, {body: {apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background'}});
	if (reply.status === 404) return;
	if (reply.status >= 300) throw new Error(`DELETE ${urlPath}: HTTP ${reply.status} ${reply.text}`);
	await waitFor(`${urlPath} to be gone`, timeoutMs, async () => ((await api('GET', urlPath)).status === 404 ? true : undefined));
}

// ---------------------------------------------------------------------------------------------
describe.skipIf(!detected.kube)('local cluster: Deployments roll out (kube-controller-manager, kube-scheduler, kwok)', () => {
	const deploymentPath = `/apis/apps/v1/namespaces/${namespace}/deployments/podinfo`;
	const canaries = `/apis/flagger.app/v1beta1/namespaces/${namespace}/canaries`;

	beforeAll(async () => {
		await ensureNamespace(namespace);
		// Leftovers of an interrupted run.
		await deleteAndWait(`${canaries}/podinfo`);
		await deleteAndWait(`${canaries}/podinfo-invalid`);
	}, 120_000);

	afterAll(async () => {
		if (process.env.CANARY_TUI_SMOKE_KEEP === '1') return;
		await deleteAndWait(`${canaries}/podinfo`).catch(() => {});
		await deleteAndWait(deploymentPath).catch(() => {});
	}, 120_000);

	it('serves the version that scripts/local-cluster.sh pins', async () => {
		const version = await api('GET', '/version');
		expect(version.status).toBe(200);
		expect(version.body.gitVersion).toMatch(/^v1\.\d+\.\d+/);
		const node = await api('GET', '/api/v1/nodes/kwok-node-0');
		expect(node.status, 'the fake node kwok-node-0 registered by local-cluster.sh up').toBe(200);
	});

	it("rolls out the seed's podinfo Deployment to 2 available replicas", async () => {
		const [deployment] = fixtureDocs('test/fixtures/podinfo/deployment.yaml');
		deployment.metadata.namespace = namespace;
		const applied = await api('PATCH', `${deploymentPath}?fieldManager=${fieldManager}&force=true`, {
			body: deployment,
			contentType: 'application/apply-patch+yaml',
		});
		expect(applied.status, applied.text).toBeLessThan(300);

		const status = await waitFor(
			'2 available replicas of podinfo',
			120_000,
			async () => {
				const reply = await api('GET', deploymentPath);
				const s = reply.body?.status ?? {};
				const done =
					s.observedGeneration >= reply.body.metadata.generation &&
					s.availableReplicas === 2 &&
					s.updatedReplicas === 2 &&
					s.readyReplicas === 2;
				return done ? s : undefined;
			},
			async () => {
				const pods = await api('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3Dpodinfo`);
				const phases = (pods.body?.items ?? []).map((pod: Json) => `${pod.metadata.name}:${pod.status?.phase}@${pod.spec?.nodeName ?? '-'}`);
				const deploymentNow = await api('GET', deploymentPath);
				return `status ${JSON.stringify(deploymentNow.body?.status)}; pods ${phases.join(' ') || 'none'}`;
			},
		);
		expect(status.conditions.find((c: Json) => c.type === 'Available')?.status).toBe('True');

		const replicaSets = await api('GET', `/apis/apps/v1/namespaces/${namespace}/replicasets?labelSelector=app%3Dpodinfo`);
		expect(replicaSets.body.items.length).toBeGreaterThanOrEqual(1);
		const pods = await api('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3Dpodinfo`);
		const running = pods.body.items.filter((pod: Json) => pod.status.phase === 'Running' && !pod.metadata.deletionTimestamp);
		expect(running).toHaveLength(2);
		for (const pod of running) {
			expect(pod.spec.nodeName).toBe('kwok-node-0');
			expect(pod.status.conditions.find((c: Json) => c.type === 'Ready')?.status).toBe('True');
		}
	}, 150_000);

	it('accepts the seed podinfo Canary', async () => {
		const [canary] = fixtureDocs('test/fixtures/podinfo/canary.yaml');
		canary.metadata.namespace = namespace;
		const created = await api('POST', canaries, {body: canary});
		expect(created.status, created.text).toBe(201);
		expect(created.body.spec.analysis.stepWeight).toBe(5);
		expect(created.body.spec.provider).toBe('appmesh:v1beta2');
	});

	it('rejects a Canary with both iterations and stepWeight (422)', async () => {
		const [canary] = fixtureDocs('test/fixtures/podinfo/canary.yaml');
		canary.metadata = {name: 'podinfo-invalid', namespace};
		canary.spec.analysis.iterations = 10; // stepWeight: 5 is already there
		const rejected = await api('POST', canaries, {body: canary});
		expect(rejected.status, rejected.text).toBe(422);
		expect(rejected.body.reason).toBe('Invalid');
		expect(rejected.body.message).toContain('spec.analysis');
		expect((await api('GET', `${canaries}/podinfo-invalid`)).status).toBe(404);
	});

	it('shows the Flagger printer columns in a Table, with status written through /status', async () => {
		const patched = await api('PATCH', `${canaries}/podinfo/status`, {
			body: {status: {phase: 'Progressing', canaryWeight: 10, failedChecks: 1, iterations: 0, lastTransitionTime: '2026-01-02T03:04:05Z'}},
			contentType: 'application/merge-patch+json',
		});
		expect(patched.status, patched.text).toBe(200);

		const table = await api('GET', `${canaries}/podinfo`, {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io'});
		expect(table.status, table.text).toBe(200);
		expect(table.body.kind).toBe('Table');
		const columns = table.body.columnDefinitions.map((c: Json) => [c.name, c.type, c.priority ?? 0]);
		expect(columns).toEqual([
			['Name', 'string', 0],
			['Status', 'string', 0],
			['Weight', 'string', 0],
			['Suspended', 'boolean', 1],
			['FailedChecks', 'string', 1],
			['Interval', 'string', 1],
			['Mirror', 'boolean', 1],
			['StepWeight', 'string', 1],
			['StepWeights', 'string', 1],
			['MaxWeight', 'string', 1],
			['LastTransitionTime', 'string', 0],
		]);
		const [row] = table.body.rows;
		const cell = (name: string) => row.cells[table.body.columnDefinitions.findIndex((c: Json) => c.name === name)];
		expect(cell('Name')).toBe('podinfo');
		expect(cell('Status')).toBe('Progressing');
		expect(String(cell('Weight'))).toBe('10');
		expect(String(cell('FailedChecks'))).toBe('1');
		expect(cell('Interval')).toBe('15s');
		expect(String(cell('StepWeight'))).toBe('5');
		expect(String(cell('MaxWeight'))).toBe('50');
		expect(cell('LastTransitionTime')).toBe('2026-01-02T03:04:05Z');

		// status is a subresource: a write to the main resource leaves it alone.
		const current = await api('GET', `${canaries}/podinfo`);
		current.body.status.phase = 'Failed';
		const replaced = await api('PUT', `${canaries}/podinfo`, {body: current.body});
		expect(replaced.status, replaced.text).toBe(200);
		expect(replaced.body.status.phase).toBe('Progressing');

		// Category "all" (kubectl get all) lists canaries.
		const discovery = await api('GET', '/apis/flagger.app/v1beta1');
		const resource = discovery.body.resources.find((r: Json) => r.name === 'canaries');
		expect(resource.categories).toContain('all');
		expect(resource.shortNames ?? []).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------
// Our CRDs against Flagger's published ones: the published file is installed under a renamed
// group and renamed kinds (UpstreamCanary..., no category, so that `kubectl get canary` and
// `kubectl get all` never resolve to them), and every case is sent to both with server-side
// dry run. The renamed CRDs are deleted afterwards.
// ---------------------------------------------------------------------------------------------
const upstreamGroup = 'flagger-upstream.canary-tui.test';
const upstreamPlural = (ours: string) => `upstream${ours}`;

function upstreamCrdDocuments(): string[] {
	const text = fs.readFileSync(path.join(repo, 'deploy/crds/upstream/flagger-v1.44.0-crds.yaml'), 'utf8');
	return text
		.split(/^---\s*$/m)
		.filter(doc => /^kind:\s*CustomResourceDefinition/m.test(doc))
		.map(doc =>
			doc
				.replace(/^(\s*)group: flagger\.app\s*$/m, `$1group: ${upstreamGroup}`)
				.replace(/^(\s*)name: (\w+)\.flagger\.app\s*$/m, `$1name: upstream$2.${upstreamGroup}`)
				.replace(/^(\s+)(kind|listKind): (Canary|MetricTemplate|AlertProvider)(List)?\s*$/gm, '$1$2: Upstream$3$4')
				.replace(/^(\s+)(plural|singular): (\w+)\s*$/gm, '$1$2: upstream$3')
				.replace(/^(\s*)categories:\s*\n\s*- all\s*$/m, ''),
		);
}

type Case = {kind: 'Canary' | 'MetricTemplate' | 'AlertProvider'; name: string; spec: Json};

function compatibilityCases(): Case[] {
	const cases: Case[] = [];
	const canaryFixtures = ['test/fixtures/podinfo/canary.yaml', 'test/fixtures/podinfo/abtest.yaml', ...fs.readdirSync(path.join(repo, 'test/fixtures/engine')).filter(f => f.endsWith('.yaml')).map(f => `test/fixtures/engine/${f}`)];
	for (const file of canaryFixtures) {
		for (const doc of fixtureDocs(file)) {
			if (doc?.kind === 'Canary') cases.push({kind: 'Canary', name: `${file}#${doc.metadata?.name}`, spec: doc.spec});
		}
	}
	const [seed] = fixtureDocs('test/fixtures/podinfo/canary.yaml');
	const variant = (name: string, change: (spec: Json) => void) => {
		const spec = structuredClone(seed.spec);
		change(spec);
		cases.push({kind: 'Canary', name, spec});
	};
	variant('iterations and stepWeight', s => (s.analysis.iterations = 10));
	variant('iterations only (A/B, Blue/Green)', s => {
		delete s.analysis.stepWeight;
		delete s.analysis.maxWeight;
		s.analysis.iterations = 10;
	});
	variant('stepWeights', s => {
		delete s.analysis.stepWeight;
		s.analysis.stepWeights = [1, 2, 10, 80];
	});
	variant('stepWeights and stepWeight', s => (s.analysis.stepWeights = [1, 2, 10, 80]));
	variant('no step at all', s => delete s.analysis.stepWeight);
	variant('no threshold', s => delete s.analysis.threshold);
	variant('interval without unit', s => (s.analysis.interval = '15'));
	variant('interval in hours', s => (s.analysis.interval = '1h'));
	variant('fractional stepWeight', s => (s.analysis.stepWeight = 2.5));
	variant('stepWeight as string', s => (s.analysis.stepWeight = '5'));
	variant('no analysis', s => delete s.analysis);
	variant('no targetRef', s => delete s.targetRef);
	variant('targetRef without name', s => delete s.targetRef.name);
	variant('targetRef StatefulSet', s => (s.targetRef.kind = 'StatefulSet'));
	variant('provider kubernetes', s => (s.provider = 'kubernetes'));
	variant('provider gatewayapi:v1', s => (s.provider = 'gatewayapi:v1'));
	variant('unknown provider', s => (s.provider = 'envoy'));
	variant('service without port', s => delete s.service.port);
	variant('service targetPort string', s => (s.service.targetPort = 'http'));
	variant('service targetPort int', s => (s.service.targetPort = 9898));
	variant('unknown spec field (pruned)', s => (s.notAField = true));
	variant('unknown analysis field (pruned)', s => (s.analysis.notAField = 'x'));
	variant('suspend and skipAnalysis', s => Object.assign(s, {suspend: true, skipAnalysis: true, revertOnDeletion: true}));
	variant('webhook without url', s => delete s.analysis.webhooks[0].url);
	variant('webhook unknown type', s => (s.analysis.webhooks[0].type = 'pre-flight'));
	variant('webhook timeout without unit', s => (s.analysis.webhooks[0].timeout = '30'));
	variant('webhook non-string metadata', s => (s.analysis.webhooks[0].metadata = {retries: 3}));
	variant('metric without name', s => delete s.analysis.metrics[0].name);
	variant('metric templateRef without name', s => (s.analysis.metrics[0].templateRef = {namespace: 'x'}));
	variant('alert without providerRef', s => (s.analysis.alerts = [{name: 'on-call'}]));
	variant('alert bad severity', s => (s.analysis.alerts = [{name: 'on-call', severity: 'fatal', providerRef: {name: 'slack'}}]));
	variant('match header with two matchers', s => (s.analysis.match = [{headers: {'x-canary': {exact: 'insider', prefix: 'in'}}}]));
	variant('match header regex', s => (s.analysis.match = [{headers: {'x-canary': {regex: '.*'}}}]));
	variant('sessionAffinity without cookieName', s => (s.analysis.sessionAffinity = {maxAge: 10}));
	variant('sessionAffinity default maxAge', s => (s.analysis.sessionAffinity = {cookieName: 'flagger-cookie'}));
	variant('mirror Service backendRef without port (CEL)', s => (s.service.mirror = [{backendRef: {name: 'podinfo-mirror'}}]));
	variant('mirror Service backendRef with port', s => (s.service.mirror = [{backendRef: {name: 'podinfo-mirror', port: 9898}}]));
	variant('mirror item without backendRef', s => (s.service.mirror = [{}]));
	variant('gatewayRefs defaults', s => (s.service.gatewayRefs = [{name: 'gateway', namespace: 'istio-ingress'}]));
	variant('gatewayRefs bad namespace', s => (s.service.gatewayRefs = [{name: 'gateway', namespace: 'Not_A_Namespace'}]));
	variant('service uri match with two matchers', s => (s.service.match = [{uri: {prefix: '/', exact: '/x'}}]));
	variant('trafficPolicy loadBalancer simple', s => (s.service.trafficPolicy = {loadBalancer: {simple: 'ROUND_ROBIN'}}));
	variant('trafficPolicy loadBalancer empty', s => (s.service.trafficPolicy = {loadBalancer: {}}));
	variant('trafficDistribution invalid', s => (s.service.trafficDistribution = 'Anywhere'));
	variant('autoscalerRef primaryScalerReplicas 0', s => (s.autoscalerRef.primaryScalerReplicas = {minReplicas: 0}));
	variant('progressDeadlineSeconds string', s => (s.progressDeadlineSeconds = '60'));

	const template = {provider: {type: 'prometheus', address: 'http://prometheus.istio-system:9090'}, query: 'sum(up)'};
	cases.push({kind: 'MetricTemplate', name: 'metric template', spec: template});
	cases.push({kind: 'MetricTemplate', name: 'metric template without query', spec: {provider: template.provider}});
	cases.push({kind: 'MetricTemplate', name: 'metric template unknown provider', spec: {...template, provider: {type: 'graphana'}}});
	cases.push({kind: 'MetricTemplate', name: 'metric template headers', spec: {...template, provider: {...template.provider, headers: {'X-Scope-OrgID': ['a', 'b']}}}});
	cases.push({kind: 'AlertProvider', name: 'alert provider address', spec: {type: 'slack', channel: 'general', address: 'https://hooks.example/x'}});
	cases.push({kind: 'AlertProvider', name: 'alert provider secretRef', spec: {type: 'msteams', secretRef: {name: 'teams'}}});
	cases.push({kind: 'AlertProvider', name: 'alert provider both (oneOf)', spec: {type: 'slack', address: 'https://hooks.example/x', secretRef: {name: 's'}}});
	cases.push({kind: 'AlertProvider', name: 'alert provider neither', spec: {type: 'slack'}});
	cases.push({kind: 'AlertProvider', name: 'alert provider unknown type', spec: {type: 'pagerduty', address: 'x'}});
	return cases;
}

const plural = {Canary: 'canaries', MetricTemplate: 'metrictemplates', AlertProvider: 'alertproviders'} as const;

describe.skipIf(!detected.kube)('deploy/crds accept and reject what Flagger v1.44.0 CRDs do', () => {
	const names: string[] = [];

	beforeAll(async () => {
		await ensureNamespace(namespace);
		for (const doc of upstreamCrdDocuments()) {
			const name = /^\s*name: (\S+)\s*$/m.exec(doc.slice(doc.indexOf('metadata:')))?.[1];
			if (!name) throw new Error('no metadata.name in a document of flagger-v1.44.0-crds.yaml');
			names.push(name);
			const applied = await api('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=${fieldManager}&force=true`, {
				body: doc,
				contentType: 'application/apply-patch+yaml',
			});
			if (applied.status >= 300) throw new Error(`installing Flagger's ${name} under ${upstreamGroup}: HTTP ${applied.status} ${applied.text.slice(0, 500)}`);
		}
		for (const kind of Object.values(plural)) {
			await waitFor(`${kind}.${upstreamGroup} to be served`, 30_000, async () =>
				(await api('GET', `/apis/${upstreamGroup}/v1beta1/namespaces/${namespace}/${upstreamPlural(kind)}`)).status === 200 ? true : undefined,
			);
		}
	}, 90_000);

	afterAll(async () => {
		for (const name of names) await api('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`).catch(() => {});
	});

	it('same printer columns, subresources and names as the published CRDs', async () => {
		for (const kind of Object.values(plural)) {
			const ours = (await api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${kind}.flagger.app`)).body;
			const theirs = (await api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${upstreamPlural(kind)}.${upstreamGroup}`)).body;
			expect(ours.spec.versions.map((v: Json) => v.name)).toEqual(theirs.spec.versions.map((v: Json) => v.name));
			expect(ours.spec.versions[0].additionalPrinterColumns).toEqual(theirs.spec.versions[0].additionalPrinterColumns);
			expect(ours.spec.versions[0].subresources).toEqual(theirs.spec.versions[0].subresources);
			const renamed = theirs.spec.names;
			expect(ours.spec.names).toEqual({
				kind: renamed.kind.replace(/^Upstream/, ''),
				listKind: renamed.listKind.replace(/^Upstream/, ''),
				plural: renamed.plural.replace(/^upstream/, ''),
				singular: renamed.singular.replace(/^upstream/, ''),
				categories: ['all'],
			});
			expect(ours.spec.scope).toBe(theirs.spec.scope);
			const nonStructural = (ours.status.conditions ?? []).find((c: Json) => c.type === 'NonStructuralSchema');
			expect(nonStructural, 'our CRD is structural').toBeUndefined();
		}
	});

	const cases = compatibilityCases();
	it(`${cases.length} Canary/MetricTemplate/AlertProvider cases get the same verdict and the same stored spec`, async () => {
		const differences: string[] = [];
		let accepted = 0;
		let rejected = 0;
		for (const [index, c] of cases.entries()) {
			const send = (group: string, kind: string, resource: string) =>
				api('POST', `/apis/${group}/v1beta1/namespaces/${namespace}/${resource}?dryRun=All`, {
					body: {apiVersion: `${group}/v1beta1`, kind, metadata: {name: `compat-${index}`}, spec: c.spec},
				});
			const [ours, theirs] = await Promise.all([
				send('flagger.app', c.kind, plural[c.kind]),
				send(upstreamGroup, `Upstream${c.kind}`, upstreamPlural(plural[c.kind])),
			]);
			if (process.env.CANARY_TUI_SMOKE_VERBOSE === '1') {
				console.log(`${c.kind} "${c.name}": ours ${ours.status}, Flagger's ${theirs.status} ${ours.status >= 300 ? ours.body?.message : ''}`);
			}
			if (ours.status !== theirs.status) {
				differences.push(`${c.kind} "${c.name}": ours HTTP ${ours.status}, Flagger's HTTP ${theirs.status} (${(ours.status >= 300 ? ours : theirs).body?.message ?? ''})`);
			} else if (ours.status === 201) {
				accepted++;
				if (JSON.stringify(ours.body.spec) !== JSON.stringify(theirs.body.spec)) {
					differences.push(`${c.kind} "${c.name}": stored specs differ:\n  ours   ${JSON.stringify(ours.body.spec)}\n  theirs ${JSON.stringify(theirs.body.spec)}`);
				}
			} else {
				rejected++;
				const fields = (reply: Reply) => (reply.body?.details?.causes ?? []).map((cause: Json) => cause.field).sort().join(',');
				if (fields(ours) !== fields(theirs)) differences.push(`${c.kind} "${c.name}": rejected on different fields: ours [${fields(ours)}], Flagger's [${fields(theirs)}]`);
			}
		}
		expect(differences).toEqual([]);
		// The case list must exercise both sides.
		expect(accepted).toBeGreaterThan(10);
		expect(rejected).toBeGreaterThan(10);
	}, 60_000);
});
