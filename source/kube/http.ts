// HTTPS to the API server with the kubeconfig's credentials (client-node's
// `applyToHTTPSOptions`: client certificates, bearer and exec tokens, basic auth,
// impersonation, CA, insecure-skip-tls-verify, proxies) over Node's http/https. One keep-alive
// agent per server; credentials are re-read every minute and after a 401, so rotating tokens
// (in-cluster service accounts, exec plugins) keep working.
import http from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node';

export type Reply = {status: number; body: any; text: string};

export type RequestOptions = {
	body?: unknown;
	contentType?: string;
	/** Gives up (rejecting with a NetworkError) after this many ms without an answer. */
	timeoutMs?: number;
};

/** The server could not be reached or did not answer: refused, reset, TLS, DNS, timeout. */
export class NetworkError extends Error {
	constructor(
		message: string,
		readonly code: string | undefined,
	) {
		super(message);
		this.name = 'NetworkError';
	}
}

type Credentials = {at: number; headers: Record<string, string>; agent: http.Agent; tls: string};

const refreshMs = 60_000;

export class KubeHttp {
	readonly server: string;
	private cached?: Credentials;
	private loading?: Promise<Credentials>;

	constructor(
		private readonly kc: KubeConfig,
		private readonly defaults: {timeoutMs?: number} = {},
	) {
		const cluster = kc.getCurrentCluster();
		if (!cluster) throw new Error(`context "${kc.getCurrentContext()}" has no cluster`);
		this.server = cluster.server;
	}

	/** One request; the body is parsed when it is JSON. Rejects only with a NetworkError. */
	async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
		let reply = await this.send(method, path, options, await this.auth());
		if (reply.status === 401) {
			// Maybe a rotated token: read the credentials again, once.
			reply = await this.send(method, path, options, await this.auth(true));
		}
		return reply;
	}

	/**
	 * A streaming GET (watch): calls `onLine` for every line of the 200 response until the server
	 * ends it (resolves undefined) or `signal` aborts it (resolves undefined). A non-200 answer
	 * resolves as a Reply; a broken connection, or `idleTimeoutMs` without a byte, rejects.
	 */
	async stream(path: string, onLine: (line: string) => void, options: {signal: AbortSignal; idleTimeoutMs: number}): Promise<Reply | undefined> {
		const credentials = await this.auth();
		const url = new URL(path, this.server);
		return new Promise<Reply | undefined>((resolve, reject) => {
			if (options.signal.aborted) return resolve(undefined);
			const request = (url.protocol === 'https:' ? https : http).request(url, {
				method: 'GET',
				agent: credentials.agent,
				headers: {...credentials.headers, accept: 'application/json'},
			});
			const abort = () => {
				done();
				request.destroy();
				resolve(undefined);
			};
			options.signal.addEventListener('abort', abort, {once: true});
			// Idle timer: a connection that went silent (a peer gone without a FIN) is given up.
			let idle: NodeJS.Timeout | undefined;
			const alive = () => {
				clearTimeout(idle);
				idle = setTimeout(() => request.destroy(new NetworkError(`no data from ${url.origin} for ${options.idleTimeoutMs / 1000}s`, 'ETIMEDOUT')), options.idleTimeoutMs);
			};
			alive();
			const done = () => {
				clearTimeout(idle);
				options.signal.removeEventListener('abort', abort);
			};
			request.on('error', error => {
				done();
				if (options.signal.aborted) resolve(undefined);
				else reject(asNetworkError(error, url));
			});
			request.on('response', response => {
				if (response.statusCode !== 200) {
					// Maybe a rotated token: the next attempt reads the credentials again.
					if (response.statusCode === 401) this.cached = undefined;
					collect(response).then(
						reply => {
							done();
							resolve(reply);
						},
						error => {
							done();
							reject(asNetworkError(error, url));
						},
					);
					return;
				}
				let pending = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					alive();
					pending += chunk;
					let newline;
					while ((newline = pending.indexOf('\n')) >= 0) {
						const line = pending.slice(0, newline).trim();
						pending = pending.slice(newline + 1);
						if (line) onLine(line);
					}
				});
				response.on('end', () => {
					done();
					if (pending.trim()) onLine(pending.trim());
					resolve(undefined);
				});
				response.on('error', error => {
					done();
					if (options.signal.aborted) resolve(undefined);
					else reject(asNetworkError(error, url));
				});
				// Closed without an end (a reset): whichever of these comes first settles.
				response.on('close', () => {
					done();
					if (options.signal.aborted || response.complete) resolve(undefined);
					else reject(new NetworkError(`the watch connection to ${url.origin} was closed`, 'ECONNRESET'));
				});
			});
			request.end();
		});
	}

	/** Closes idle keep-alive sockets. */
	close(): void {
		this.cached?.agent.destroy();
	}

	private async auth(force = false): Promise<Credentials> {
		const cached = this.cached;
		if (cached && !force && Date.now() - cached.at < refreshMs) return cached;
		this.loading ??= this.load(cached).finally(() => (this.loading = undefined));
		return (this.cached = await this.loading);
	}

	private async load(previous?: Credentials): Promise<Credentials> {
		const options: https.RequestOptions = {headers: {}};
		try {
			await this.kc.applyToHTTPSOptions(options);
		} catch (error) {
			throw new NetworkError(`cannot load the credentials of user "${this.kc.getCurrentUser()?.name ?? ''}": ${(error as Error).message}`, 'ECREDENTIALS');
		}
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = String(value);
		if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
		const tls = JSON.stringify([options.ca, options.cert, options.key, options.pfx, options.rejectUnauthorized, options.servername].map(value => (Buffer.isBuffer(value) ? value.toString('base64') : value)));
		if (previous && previous.tls === tls) return {at: Date.now(), headers, agent: previous.agent, tls};
		previous?.agent.destroy();
		const proxied = Boolean(this.kc.getCurrentCluster()?.proxyUrl);
		const agent = proxied
			? (options.agent as http.Agent)
			: this.server.startsWith('http:')
				? new http.Agent({keepAlive: true})
				: new https.Agent({
						keepAlive: true,
						ca: options.ca,
						cert: options.cert,
						key: options.key,
						pfx: options.pfx,
						passphrase: options.passphrase,
						rejectUnauthorized: options.rejectUnauthorized,
						servername: options.servername,
					});
		return {at: Date.now(), headers, agent, tls};
	}

	private send(method: string, path: string, options: RequestOptions, credentials: Credentials): Promise<Reply> {
		const url = new URL(path, this.server);
		const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs ?? 30_000;
		return new Promise<Reply>((resolve, reject) => {
			const request = (url.protocol === 'https:' ? https : http).request(url, {
				method,
				agent: credentials.agent,
				headers: {
					...credentials.headers,
					accept: 'application/json',
					...(payload === undefined ? {} : {'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload)}),
				},
			});
			// A deadline for the whole exchange (the socket `timeout` option fires late on TLS).
			const deadline = setTimeout(() => request.destroy(new NetworkError(`${method} ${url.pathname}: no answer from ${url.origin} within ${timeoutMs / 1000}s`, 'ETIMEDOUT')), timeoutMs);
			request.on('error', error => {
				clearTimeout(deadline);
				reject(asNetworkError(error, url));
			});
			request.on('response', response =>
				collect(response).then(
					reply => {
						clearTimeout(deadline);
						resolve(reply);
					},
					error => {
						clearTimeout(deadline);
						reject(asNetworkError(error, url));
					},
				),
			);
			request.end(payload);
		});
	}
}

function collect(response: http.IncomingMessage): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		response.on('data', (chunk: Buffer) => chunks.push(chunk));
		response.on('error', reject);
		response.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let body: any;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				body = undefined;
			}
			resolve({status: response.statusCode ?? 0, body, text});
		});
	});
}

function asNetworkError(error: unknown, url: URL): NetworkError {
	if (error instanceof NetworkError) return error;
	const code = (error as NodeJS.ErrnoException).code;
	const message = (error as Error).message || String(error);
	return new NetworkError(message.includes(url.host) || !code ? message : `${message} (${url.origin})`, code);
}
