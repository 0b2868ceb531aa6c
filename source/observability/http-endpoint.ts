/**
 * The headless controller's HTTP endpoint (Flagger's `-port`, pkg/server/server.go):
 *
 *   const endpoint = await startHttpEndpoint({host: '0.0.0.0', port: 8080, metrics: () => registry.render(), health: kubeHealth(store)});
 *   endpoint.url     // http://0.0.0.0:8080 (the real port when 0 was asked)
 *   await endpoint.close();
 *
 *   GET /metrics  200, the Prometheus text format (text/plain; version=0.0.4)
 *   GET /healthz  200 `ok`, or 503 with the reason on one line (e.g. `watch not synced yet`,
 *                 `API server unreachable: connect ECONNREFUSED …`)
 *   anything else 404; a method other than GET/HEAD 405.
 *
 * `kubeHealth(store)` is the check `canary-tui controller` uses: unhealthy until the store's
 * watches have listed once, then unhealthy while `GET /version` fails (asked at most every
 * `cacheMs`, so probes do not load the API server). Flagger's /healthz always answers 200;
 * ours tells a pod that cannot reach its API server from one that works.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import type {KubeStore} from '../kube/kube-store.js';

export type HealthState = {ok: true} | {ok: false; reason: string};
export type HealthCheck = () => HealthState | Promise<HealthState>;

export type HttpEndpointOptions = {
	/** 127.0.0.1 by default; `0.0.0.0` in a pod, for the kubelet's probes and Prometheus. */
	host?: string;
	/** 0 picks a free port. */
	port: number;
	metrics: () => string;
	health?: HealthCheck;
};

export type HttpEndpoint = {url: string; close(): Promise<void>};

export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
	const health = options.health ?? (() => ({ok: true}) as const);
	const server = http.createServer((request, response) => {
		void answer(request.method ?? 'GET', new URL(request.url ?? '/', 'http://endpoint').pathname).then(({status, type, body}) => {
			response.writeHead(status, {'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store'});
			response.end(request.method === 'HEAD' ? undefined : body);
		});
	});
	const answer = async (method: string, path: string): Promise<{status: number; type: string; body: string}> => {
		const text = (status: number, body: string) => ({status, type: 'text/plain; charset=utf-8', body: `${body}\n`});
		if (path !== '/metrics' && path !== '/healthz') return text(404, `not found: ${path} (try /metrics or /healthz)`);
		if (method !== 'GET' && method !== 'HEAD') return text(405, `method ${method} not allowed`);
		try {
			if (path === '/metrics') return {status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: options.metrics()};
			const state = await health();
			return state.ok ? text(200, 'ok') : text(503, state.reason.split('\n')[0]!);
		} catch (error) {
			return text(500, `${path} failed: ${(error as Error).message.split('\n')[0]}`);
		}
	};
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, host, () => {
			server.off('error', reject);
			resolve();
		});
	}).catch((error: NodeJS.ErrnoException) => {
		throw new Error(`cannot listen on ${host}:${options.port} for /metrics and /healthz: ${error.code ?? error.message}`);
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		close: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/**
 * Healthy once the store's watches have listed (call it after the store's watch started: a store
 * that watches nothing counts as synced), and while the API server answers `GET /version`.
 */
export function kubeHealth(store: Pick<KubeStore, 'synced' | 'http'>, options: {cacheMs?: number; timeoutMs?: number; now?: () => number} = {}): HealthCheck {
	const {cacheMs = 5000, timeoutMs = 2000, now = Date.now} = options;
	let synced = false;
	let last: {at: number; state: HealthState} | undefined;
	let asking: Promise<HealthState> | undefined;
	return async () => {
		// Asked on each probe until true (the store's watch may start after this check is made).
		synced ||= await Promise.race([store.synced().then(() => true), new Promise<false>(resolve => setImmediate(() => resolve(false)))]);
		if (!synced) return {ok: false, reason: 'watch not synced yet'};
		if (last && now() - last.at < cacheMs) return last.state;
		asking ??= store.http
			.request('GET', '/version', {timeoutMs})
			.then(
				(reply): HealthState => (reply.status === 200 ? {ok: true} : {ok: false, reason: `API server answered GET /version with HTTP ${reply.status}`}),
				(error: Error): HealthState => ({ok: false, reason: `API server unreachable: ${error.message}`}),
			)
			.then(state => {
				last = {at: now(), state};
				asking = undefined;
				return state;
			});
		return asking;
	};
}
