// Finding the cluster: kubeconfig files (`--kubeconfig`, the `KUBECONFIG` list, ~/.kube/config)
// or the pod's service account, the context (`--context` or the current one), the namespace,
// and a probe of `/version`. Whatever goes wrong is one line in a ConnectionError — which
// context, which server, which verb on which resource — never a stack trace:
//
//   canary-tui: forbidden: user "alice" cannot update canaries.flagger.app/status in namespace "apps" (context kind-dev, server https://127.0.0.1:6443)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {KubeHttp} from './http.js';
import {KubeApiError} from './kube-store.js';
import {ApiError} from './objects.js';
import {qualifiedName, resourceFor} from './resources.js';

export class ConnectionError extends Error {
	constructor(line: string) {
		super(line);
		this.name = 'ConnectionError';
	}
}

export type ConnectOptions = {
	/** One path or several joined by the path delimiter, like KUBECONFIG (`--kubeconfig`). */
	kubeconfig?: string;
	/** `--context`; the kubeconfig's current-context otherwise. */
	context?: string;
	/** `-n`; the context's namespace otherwise, else the pod's, else `default`. */
	namespace?: string;
	/** Probe `/version` (default true) with this timeout (default 5s). */
	probe?: boolean;
	/**
	 * Ask the server who we are with a SelfSubjectReview after the probe (default true). It is a
	 * `create` request, though it stores nothing: `--readonly` turns it off so that a read-only
	 * session sends GETs only (test/cluster/readonly-no-writes.test.ts).
	 */
	identify?: boolean;
	timeoutMs?: number;
	/** Checked with SelfSubjectAccessReviews after the probe; the first one denied is the error. */
	access?: AccessCheck[];
	/** For tests: the environment and home folder to read (process.env, os.homedir()). */
	env?: NodeJS.ProcessEnv;
	home?: string;
};

export type Connection = {
	kc: KubeConfig;
	context: string;
	server: string;
	/** Who the server says we are (SelfSubjectReview), else the kubeconfig's user name. */
	user: string;
	namespace: string;
	/** Where the configuration came from: the files read, or `in-cluster`. */
	source: string;
	/** The server's gitVersion, when probed. */
	version?: string;
};

export type AccessCheck = {verb: string; kind: string; subresource?: string; namespace?: string};

const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads, picks the context, probes; throws a ConnectionError with one line on any failure. */
export async function connect(options: ConnectOptions = {}): Promise<Connection> {
	const env = options.env ?? process.env;
	const {kc, source} = load(options, env);
	if (options.context !== undefined) {
		if (!kc.getContextObject(options.context)) {
			throw new ConnectionError(`canary-tui: context "${options.context}" not found in ${source} (contexts: ${names(kc) || 'none'})`);
		}
		kc.setCurrentContext(options.context);
	}
	const contextName = kc.getCurrentContext();
	if (!contextName) throw new ConnectionError(`canary-tui: ${source} has no current-context: pass --context (contexts: ${names(kc) || 'none'})`);
	const context = kc.getContextObject(contextName);
	if (!context) throw new ConnectionError(`canary-tui: current-context "${contextName}" not found in ${source} (contexts: ${names(kc) || 'none'})`);
	const cluster = kc.getCluster(context.cluster);
	if (!cluster) throw new ConnectionError(`canary-tui: context "${contextName}" names cluster "${context.cluster}", which is not in ${source}`);
	if (context.user && !kc.getUser(context.user)) throw new ConnectionError(`canary-tui: context "${contextName}" names user "${context.user}", which is not in ${source}`);
	try {
		new URL(cluster.server);
	} catch {
		throw new ConnectionError(`canary-tui: context "${contextName}" has an invalid server URL ${JSON.stringify(cluster.server)} (${source})`);
	}
	const namespace = options.namespace || context.namespace || (source === 'in-cluster' ? readNamespace() : undefined) || 'default';
	const connection: Connection = {kc, context: contextName, server: cluster.server, user: context.user, namespace, source};
	if (options.probe !== false) await probe(connection, options.timeoutMs ?? 5000, options.identify !== false);
	if (options.access?.length) await checkAccess(connection, options.access, options.timeoutMs ?? 5000);
	return connection;
}

/** `(context X, server Y)`: the tail of every line. */
export const where = (connection: Pick<Connection, 'context' | 'server'>) => `(context ${connection.context}, server ${connection.server})`;

/**
 * Any error from the store or the client, as the one line to print: a Forbidden answer names
 * the user, the verb and the resource; an unreachable server names the server.
 */
export function explain(error: unknown, connection: Pick<Connection, 'context' | 'server' | 'user'>): ConnectionError {
	if (error instanceof ConnectionError) return error;
	const message = firstLine(error instanceof Error ? error.message : String(error));
	if (error instanceof KubeApiError) {
		const {verb, resource, namespace} = error.request;
		const scope = namespace === undefined ? (resourceIsNamespaced(resource) ? ' in all namespaces' : '') : ` in namespace "${namespace}"`;
		if (error.reason === 'Forbidden' && error.code === 403) {
			const user = /User "([^"]*)"/.exec(error.message)?.[1] ?? connection.user;
			return new ConnectionError(`canary-tui: forbidden: user "${user}" cannot ${verb} ${resource}${scope} ${where(connection)}`);
		}
		if (error.code === 401) return new ConnectionError(`canary-tui: unauthorized: the server rejected the credentials of user "${connection.user}" (${verb} ${resource}) ${where(connection)}`);
		if (error.code === 0) return new ConnectionError(`canary-tui: cannot reach the API server: ${stripPrefix(message, `${verb} ${resource}: `)} ${where(connection)}`);
		return new ConnectionError(`canary-tui: ${verb} ${resource}${scope} failed: ${message} ${where(connection)}`);
	}
	if (error instanceof ApiError) return new ConnectionError(`canary-tui: ${error.reason}: ${message} ${where(connection)}`);
	return new ConnectionError(`canary-tui: ${message} ${where(connection)}`);
}

/**
 * Asks the server whether the user may do each of `checks` (one SelfSubjectAccessReview each);
 * throws the forbidden line for the first that is denied.
 */
export async function checkAccess(connection: Connection, checks: AccessCheck[], timeoutMs = 5000): Promise<void> {
	const http = new KubeHttp(connection.kc, {timeoutMs});
	try {
		for (const check of checks) {
			const resource = resourceFor(check.kind);
			const review = {
				apiVersion: 'authorization.k8s.io/v1',
				kind: 'SelfSubjectAccessReview',
				spec: {resourceAttributes: {verb: check.verb, group: resource.group, resource: resource.plural, subresource: check.subresource, namespace: check.namespace}},
			};
			const reply = await http.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {body: review}).catch(error => {
				throw new ConnectionError(`canary-tui: cannot reach the API server: ${firstLine((error as Error).message)} ${where(connection)}`);
			});
			if (reply.status >= 300) throw new ConnectionError(`canary-tui: access review failed: HTTP ${reply.status} ${firstLine(reply.body?.message ?? reply.text)} ${where(connection)}`);
			if (!reply.body?.status?.allowed) {
				const name = `${qualifiedName(resource)}${check.subresource ? `/${check.subresource}` : ''}`;
				const scope = check.namespace === undefined ? (resource.namespaced ? ' in all namespaces' : '') : ` in namespace "${check.namespace}"`;
				throw new ConnectionError(`canary-tui: forbidden: user "${connection.user}" cannot ${check.verb} ${name}${scope} ${where(connection)}`);
			}
		}
	} finally {
		http.close();
	}
}

/** What the controller does (namespace undefined: in all namespaces), for `access`. */
export function controllerAccess(namespace?: string): AccessCheck[] {
	const checks: AccessCheck[] = [];
	const add = (kind: string, verbs: string[], subresource?: string) => {
		for (const verb of verbs) checks.push({verb, kind, subresource, namespace});
	};
	add('Canary', ['get', 'list', 'watch', 'update']);
	add('Canary', ['update'], 'status');
	add('Deployment', ['get', 'create', 'update']);
	add('Service', ['get', 'create', 'update']);
	add('HorizontalPodAutoscaler', ['get', 'create', 'update']);
	add('Event', ['create', 'patch']);
	// Template metrics: the MetricTemplate and its provider's credentials Secret.
	add('MetricTemplate', ['get']);
	add('Secret', ['get']);
	return checks;
}

// ---------------------------------------------------------------------------------------------

function load(options: ConnectOptions, env: NodeJS.ProcessEnv): {kc: KubeConfig; source: string} {
	const listed = (value: string) => value.split(path.delimiter).filter(Boolean);
	if (options.kubeconfig) return fromFiles(listed(options.kubeconfig), '--kubeconfig', true);
	if (env.KUBECONFIG) return fromFiles(listed(env.KUBECONFIG), 'KUBECONFIG', false);
	const home = options.home ?? os.homedir();
	const defaultFile = path.join(home, '.kube', 'config');
	if (fs.existsSync(defaultFile)) return fromFiles([defaultFile], '~/.kube/config', true);
	if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && fs.existsSync(`${serviceAccount}/token`)) {
		const kc = new KubeConfig();
		kc.loadFromCluster();
		return {kc, source: 'in-cluster'};
	}
	throw new ConnectionError('canary-tui: no kubeconfig: set KUBECONFIG, pass --kubeconfig, create ~/.kube/config, or run in a pod with a service account');
}

/**
 * kubectl's merge of several files: the first file to define a name wins, the first
 * current-context wins. Missing files in KUBECONFIG are skipped like kubectl does, unless
 * none exists; a missing `--kubeconfig` file is an error.
 */
function fromFiles(files: string[], origin: string, strict: boolean): {kc: KubeConfig; source: string} {
	const existing = files.filter(file => fs.existsSync(file));
	const missing = files.filter(file => !existing.includes(file));
	if (files.length === 0 || (strict && missing.length > 0) || existing.length === 0) {
		const which = missing.length > 0 ? missing.join(path.delimiter) : files.join(path.delimiter);
		throw new ConnectionError(`canary-tui: kubeconfig ${which || '""'} does not exist (from ${origin})`);
	}
	const kc = new KubeConfig();
	kc.clusters = [];
	kc.users = [];
	kc.contexts = [];
	kc.currentContext = '';
	for (const file of existing) {
		const one = new KubeConfig();
		try {
			const text = fs.readFileSync(file, 'utf8');
			if (!text.trim()) throw new Error('the file is empty');
			one.loadFromString(text);
			if (one.contexts.length + one.clusters.length + one.users.length === 0) throw new Error('not a kubeconfig (no clusters, users or contexts)');
			one.makePathsAbsolute(path.dirname(file));
		} catch (error) {
			throw new ConnectionError(`canary-tui: cannot read kubeconfig ${file} (from ${origin}): ${firstLine((error as Error).message)}`);
		}
		for (const cluster of one.clusters) if (!kc.clusters.some(c => c.name === cluster.name)) kc.clusters.push(cluster);
		for (const user of one.users) if (!kc.users.some(u => u.name === user.name)) kc.users.push(user);
		for (const context of one.contexts) if (!kc.contexts.some(c => c.name === context.name)) kc.contexts.push(context);
		if (!kc.currentContext && one.currentContext) kc.currentContext = one.currentContext;
	}
	return {kc, source: `kubeconfig ${existing.join(path.delimiter)}`};
}

async function probe(connection: Connection, timeoutMs: number, identify: boolean): Promise<void> {
	let http: KubeHttp;
	try {
		http = new KubeHttp(connection.kc, {timeoutMs});
	} catch (error) {
		throw new ConnectionError(`canary-tui: ${firstLine((error as Error).message)} ${where(connection)}`);
	}
	try {
		const reply = await http.request('GET', '/version').catch(error => {
			throw new ConnectionError(`canary-tui: cannot reach the API server: ${firstLine((error as Error).message)} ${where(connection)}`);
		});
		if (reply.status === 401) throw new ConnectionError(`canary-tui: unauthorized: the server rejected the credentials of user "${connection.user}" ${where(connection)}`);
		if (reply.status === 403) throw new ConnectionError(`canary-tui: forbidden: user "${connection.user}" cannot get /version ${where(connection)}`);
		if (reply.status !== 200 || typeof reply.body?.gitVersion !== 'string') {
			throw new ConnectionError(`canary-tui: ${connection.server} does not look like a Kubernetes API server: GET /version answered HTTP ${reply.status} ${where(connection)}`);
		}
		connection.version = reply.body.gitVersion;
		if (!identify) return;
		// Who we are, for the messages (best effort: SelfSubjectReview is GA since 1.28).
		const review = await http
			.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {body: {apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview'}})
			.catch(() => undefined);
		const username = review?.status === 201 || review?.status === 200 ? review.body?.status?.userInfo?.username : undefined;
		if (typeof username === 'string' && username) connection.user = username;
	} finally {
		http.close();
	}
}

function names(kc: KubeConfig): string {
	return kc.contexts.map(context => context.name).join(', ');
}

function readNamespace(): string | undefined {
	try {
		return fs.readFileSync(`${serviceAccount}/namespace`, 'utf8').trim() || undefined;
	} catch {
		return undefined;
	}
}

function resourceIsNamespaced(name: string): boolean {
	return !name.startsWith('namespaces');
}

const firstLine = (text: string) => text.split('\n')[0]!.trim();
const stripPrefix = (text: string, prefix: string) => (text.startsWith(prefix) ? text.slice(prefix.length) : text);
