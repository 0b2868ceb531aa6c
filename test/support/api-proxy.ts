/**
 * A recording, fault-injecting proxy in front of a real kube-apiserver, for tests.
 *
 *   const proxy = await ApiProxy.start({kubeconfig: process.env.KUBECONFIG!});
 *   // point the code under test at proxy.kubeconfig (a file) or proxy.url (plain HTTP, 127.0.0.1)
 *   proxy.fault = request => (request.verb === 'update' && request.subresource === 'status' ? {status: 409} : 'pass');
 *   ...
 *   proxy.requests   // every request: method, path, query, verb/resource (as RBAC sees them), status
 *   await proxy.close();
 *
 * The proxy forwards over TLS with the credentials of the given kubeconfig (client certificate
 * and key, or a bearer token: whatever client-node's applyToHTTPSOptions yields), so whoever
 * talks to it needs no credentials of its own. Watches are streamed through as they come.
 *
 * `fault` is asked once per request, before it is forwarded:
 *   'pass'                  forward it;
 *   'drop'                  close the client's connection without an answer;
 *   {status, body?}         answer this instead (body: an object is sent as JSON, a string as is;
 *                           the default is a Kubernetes Status naming the code, see `statusBody`);
 *   {stallMs}               wait, then forward (a slow or hanging server);
 *   {dropAfterMs}           forward, then cut the connection (a watch dropped mid-stream).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo, Socket} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';

/** What Kubernetes' authorizer would call this request (k8s.io/apiserver RequestInfo). */
export type RequestInfo = {
	/** get, list, watch, create, update, patch, delete, deletecollection; for non-resource paths the lower-case method. */
	verb: string;
	/** '' for the core group; undefined for non-resource paths (/version, /api, /healthz). */
	group?: string;
	resource?: string;
	subresource?: string;
	namespace?: string;
	name?: string;
};

export type ProxiedRequest = RequestInfo & {
	method: string;
	path: string;
	query: Record<string, string>;
	watch: boolean;
	/** The parsed JSON body of a write, when it had one. */
	body?: unknown;
};

export type RecordedRequest = ProxiedRequest & {
	at: number;
	/** The status the client got: from the server, from a fault, or undefined (dropped / no answer yet). */
	status?: number;
	/** Which fault applied ('pass' when none). */
	fault: 'pass' | 'drop' | 'status' | 'stall' | 'dropAfter';
	/** When the answer ended (a watch: when its stream closed). */
	endedAt?: number;
};

export type Fault = 'pass' | 'drop' | {status: number; body?: unknown} | {stallMs: number} | {dropAfterMs: number};
export type FaultHook = (request: ProxiedRequest) => Fault | Promise<Fault>;

export type ApiProxyOptions = {
	/** The kubeconfig whose current (or `context`) cluster and credentials are used upstream. */
	kubeconfig: string;
	context?: string;
	fault?: FaultHook;
	/** The namespace written into the proxy's kubeconfig (default: the upstream context's). */
	namespace?: string;
};

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiProxy {
	readonly requests: RecordedRequest[] = [];
	fault: FaultHook = () => 'pass';
	/** `http://127.0.0.1:PORT`. */
	url = '';
	/** A kubeconfig file (context `api-proxy`) pointing at the proxy, removed by close(). */
	kubeconfig = '';

	private server?: http.Server;
	private agent?: https.Agent | http.Agent;
	private upstream!: URL;
	private headers: Record<string, string> = {};
	private readonly sockets = new Set<Socket>();
	private folder = '';

	private constructor(private readonly options: ApiProxyOptions) {
		if (options.fault) this.fault = options.fault;
	}

	static async start(options: ApiProxyOptions): Promise<ApiProxy> {
		const proxy = new ApiProxy(options);
		await proxy.listen();
		return proxy;
	}

	/** The recorded requests that write (POST, PUT, PATCH, DELETE). */
	writes(): RecordedRequest[] {
		return this.requests.filter(request => writeMethods.has(request.method));
	}

	/** `verb group/resource[/subresource]` of every recorded resource request, deduplicated and sorted. */
	verbs(): string[] {
		const seen = new Set<string>();
		for (const request of this.requests) {
			if (request.resource === undefined) continue;
			seen.add(`${request.verb} ${request.group ? `${request.group}/` : ''}${request.resource}${request.subresource ? `/${request.subresource}` : ''}`);
		}
		return [...seen].sort();
	}

	clear(): void {
		this.requests.length = 0;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
		this.agent?.destroy();
		if (this.folder) fs.rmSync(this.folder, {recursive: true, force: true});
	}

	private async listen(): Promise<void> {
		const kc = new KubeConfig();
		kc.loadFromFile(this.options.kubeconfig);
		if (this.options.context) kc.setCurrentContext(this.options.context);
		const cluster = kc.getCurrentCluster();
		if (!cluster) throw new Error(`api-proxy: ${this.options.kubeconfig} has no cluster for context "${kc.getCurrentContext()}"`);
		this.upstream = new URL(cluster.server);
		const tls: https.RequestOptions = {headers: {}};
		await kc.applyToHTTPSOptions(tls);
		for (const [key, value] of Object.entries(tls.headers ?? {})) if (value !== undefined) this.headers[key.toLowerCase()] = String(value);
		if (tls.auth) this.headers.authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`;
		this.agent =
			this.upstream.protocol === 'https:'
				? new https.Agent({keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername})
				: new http.Agent({keepAlive: true});

		this.server = http.createServer((request, response) => {
			this.handle(request, response).catch(error => {
				if (!response.headersSent) response.writeHead(502, {'content-type': 'application/json'}).end(JSON.stringify(statusBody(502, `api-proxy: ${(error as Error).message}`)));
				else response.destroy();
			});
		});
		this.server.on('connection', socket => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;

		this.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-tui-api-proxy-'));
		this.kubeconfig = path.join(this.folder, 'kubeconfig');
		const namespace = this.options.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
		fs.writeFileSync(
			this.kubeconfig,
			[
				'apiVersion: v1',
				'kind: Config',
				'clusters:',
				'- name: api-proxy',
				'  cluster:',
				`    server: ${this.url}`,
				// client-node refuses plain http otherwise (there is no TLS to verify on 127.0.0.1).
				'    insecure-skip-tls-verify: true',
				'users:',
				// The proxy adds the upstream credentials: this user has none of its own.
				'- name: via-api-proxy',
				'  user: {}',
				'contexts:',
				'- name: api-proxy',
				'  context:',
				'    cluster: api-proxy',
				'    user: via-api-proxy',
				`    namespace: ${namespace}`,
				'current-context: api-proxy',
				'',
			].join('\n'),
		);
	}

	private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://proxy');
		const method = request.method ?? 'GET';
		const raw = await readBody(request);
		let body: unknown;
		if (raw.length > 0) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				body = undefined;
			}
		}
		const query = Object.fromEntries(url.searchParams);
		const watch = query.watch === '1' || query.watch === 'true';
		const proxied: ProxiedRequest = {...requestInfo(method, url.pathname, watch), method, path: url.pathname, query, watch, ...(body === undefined ? {} : {body})};
		const record: RecordedRequest = {...proxied, at: Date.now(), fault: 'pass'};
		this.requests.push(record);

		const fault = await this.fault(proxied);
		if (fault === 'drop') {
			record.fault = 'drop';
			record.endedAt = Date.now();
			request.socket.destroy();
			return;
		}
		if (fault !== 'pass' && 'status' in fault) {
			record.fault = 'status';
			record.status = fault.status;
			const text = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? statusBody(fault.status));
			response.writeHead(fault.status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)}).end(text);
			record.endedAt = Date.now();
			return;
		}
		if (fault !== 'pass' && 'stallMs' in fault) {
			record.fault = 'stall';
			const gone = await stall(fault.stallMs, request);
			if (gone) {
				record.endedAt = Date.now();
				return;
			}
		}
		let cut: NodeJS.Timeout | undefined;
		if (fault !== 'pass' && 'dropAfterMs' in fault) {
			record.fault = 'dropAfter';
			cut = setTimeout(() => {
				record.endedAt ??= Date.now();
				request.socket.destroy();
			}, fault.dropAfterMs);
		}
		this.forward(request, response, url, raw, record, () => clearTimeout(cut));
	}

	private forward(request: http.IncomingMessage, response: http.ServerResponse, url: URL, raw: Buffer, record: RecordedRequest, done: () => void): void {
		const target = new URL(url.pathname + url.search, this.upstream);
		const headers: Record<string, string | string[]> = {};
		for (const [key, value] of Object.entries(request.headers)) {
			if (value === undefined || ['host', 'connection', 'authorization', 'content-length', 'keep-alive', 'transfer-encoding'].includes(key)) continue;
			headers[key] = value;
		}
		Object.assign(headers, this.headers);
		if (raw.length > 0) headers['content-length'] = String(raw.length);
		const upstream = (target.protocol === 'https:' ? https : http).request(target, {method: record.method, headers, agent: this.agent});
		const finish = () => {
			record.endedAt ??= Date.now();
			done();
		};
		upstream.on('response', answer => {
			record.status = answer.statusCode;
			const forwarded: Record<string, string | string[]> = {};
			for (const [key, value] of Object.entries(answer.headers)) if (value !== undefined && !['connection', 'keep-alive'].includes(key)) forwarded[key] = value;
			response.writeHead(answer.statusCode ?? 502, forwarded);
			response.flushHeaders();
			answer.pipe(response);
			answer.on('end', finish);
			answer.on('error', () => {
				finish();
				response.destroy();
			});
		});
		upstream.on('error', error => {
			finish();
			if (!response.headersSent) {
				record.status = 502;
				const text = JSON.stringify(statusBody(502, `api-proxy: upstream ${this.upstream.origin}: ${error.message}`));
				response.writeHead(502, {'content-type': 'application/json'}).end(text);
			} else response.destroy();
		});
		// The client went away (a watch it stopped, a timeout): stop the upstream request too.
		response.on('close', () => {
			finish();
			upstream.destroy();
		});
		upstream.end(raw.length > 0 ? raw : undefined);
	}
}

/** A Kubernetes Status object for a fault's body: `{kind: 'Status', code, reason, message}`. */
export function statusBody(code: number, message?: string): Record<string, unknown> {
	const reasons: Record<number, string> = {
		400: 'BadRequest',
		401: 'Unauthorized',
		403: 'Forbidden',
		404: 'NotFound',
		409: 'Conflict',
		410: 'Expired',
		422: 'Invalid',
		429: 'TooManyRequests',
		500: 'InternalError',
		502: 'BadGateway',
		503: 'ServiceUnavailable',
		504: 'Timeout',
	};
	const reason = reasons[code] ?? 'Unknown';
	return {apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message: message ?? `injected by api-proxy: ${code} ${reason}`, metadata: {}};
}

/**
 * The verb and resource of a request as the API server's authorizer sees them
 * (k8s.io/apiserver/pkg/endpoints/request.RequestInfoFactory, without the legacy proxy verbs).
 */
export function requestInfo(method: string, pathname: string, watch = false): RequestInfo {
	const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
	let rest: string[];
	let group: string;
	if (parts[0] === 'api' && parts.length >= 3) {
		group = '';
		rest = parts.slice(2);
	} else if (parts[0] === 'apis' && parts.length >= 4) {
		group = parts[1]!;
		rest = parts.slice(3);
	} else {
		return {verb: method.toLowerCase()};
	}
	let namespace: string | undefined;
	// /namespaces/NS/RESOURCE…; /namespaces/NAME alone (or with a subresource such as /status) is the Namespace itself.
	if (rest[0] === 'namespaces' && rest.length >= 3) {
		namespace = rest[1];
		rest = rest.slice(2);
	}
	const [resource, name, subresource] = rest;
	if (namespace === undefined && resource === 'namespaces' && name !== undefined) namespace = name;
	const collection = name === undefined;
	const verb = (() => {
		switch (method) {
			case 'GET':
			case 'HEAD':
				return watch ? 'watch' : collection ? 'list' : 'get';
			case 'POST':
				return 'create';
			case 'PUT':
				return 'update';
			case 'PATCH':
				return 'patch';
			case 'DELETE':
				return collection ? 'deletecollection' : 'delete';
			default:
				return method.toLowerCase();
		}
	})();
	return {verb, group, resource, ...(subresource ? {subresource} : {}), ...(namespace !== undefined ? {namespace} : {}), ...(name !== undefined ? {name} : {})};
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

/** Waits `ms`; resolves true early if the client hung up meanwhile. */
function stall(ms: number, request: http.IncomingMessage): Promise<boolean> {
	return new Promise(resolve => {
		const timer = setTimeout(() => {
			request.socket.off('close', closed);
			resolve(false);
		}, ms);
		const closed = () => {
			clearTimeout(timer);
			resolve(true);
		};
		request.socket.once('close', closed);
	});
}
