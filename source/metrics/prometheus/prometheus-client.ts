// A Prometheus HTTP API client for instant queries, as Flagger's `providers/prometheus.go`:
// `GET <address>/api/v1/query?query=…` (the address's path is kept), 5 s timeout, optional
// bearer token or basic auth and custom headers, insecureSkipVerify. Queries too long for a
// URL go as a form POST, which the same endpoint accepts. Secret values are masked in every
// error text, whatever the server echoes back.
import http from 'node:http';
import https from 'node:https';
import {timeoutWithFloor, type Clock} from '../../clock.js';
import type {Result} from '../../core/engine/ops.js';
import {collapseWhitespace} from '../../core/metrics/builtin-queries.js';
import {describeNetworkError} from '../../webhooks/webhook-client.js';
import {parseQueryResponse, type QueryOutcome} from './parse-response.js';

export type PrometheusEndpoint = {
	address: string;
	/** A MetricTemplate's `spec.provider.headers`. */
	headers?: Record<string, string[]>;
	/** From the Secret's `token` key: `Authorization: Bearer …`. */
	token?: string;
	/** From the Secret's `username` and `password` keys: basic auth. */
	username?: string;
	password?: string;
	insecureSkipVerify?: boolean;
};

export type ClientOptions = {
	clock: Clock;
	/** Virtual milliseconds; Flagger's is 5 s. */
	timeoutMs?: number;
};

export const onlineQuery = 'vector(1)';
const maxBodyBytes = 16 * 1024 * 1024;
const maxGetQueryLength = 6000;

/** Flagger's error when an address does not parse; undefined when it is usable. */
export function invalidAddress(address: string, type = 'prometheus'): string | undefined {
	try {
		const url = new URL(address);
		if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
	} catch {
		// fall through
	}
	return `${type} address ${address} is not a valid URL`;
}

export class PrometheusClient {
	private readonly base: URL;
	private readonly authorization?: string;
	private readonly secrets: string[];

	/** The address must have passed `invalidAddress`. */
	constructor(private readonly endpoint: PrometheusEndpoint, private readonly options: ClientOptions) {
		this.base = new URL(endpoint.address);
		const {token, username, password} = endpoint;
		// Flagger: a token wins; basic auth needs both a username and a password.
		const basic = username && password ? Buffer.from(`${username}:${password}`).toString('base64') : undefined;
		if (token) this.authorization = `Bearer ${token}`;
		else if (basic) this.authorization = `Basic ${basic}`;
		this.secrets = [token, password, basic, this.base.password].filter((value): value is string => value !== undefined && value !== '');
	}

	/** Flagger's IsOnline: `vector(1)` must answer exactly 1. */
	async isOnline(): Promise<Result> {
		const outcome = await this.query(onlineQuery);
		if (!outcome.ok) return {ok: false, error: `running query failed: ${outcome.error}`};
		if (outcome.value !== 1) return {ok: false, error: `value is not 1 for query: ${onlineQuery}`};
		return {ok: true};
	}

	async query(query: string): Promise<QueryOutcome> {
		const outcome = await this.send(goQueryEscape(collapseWhitespace(query)));
		return outcome.ok ? outcome : {...outcome, error: this.mask(outcome.error)};
	}

	private send(encoded: string): Promise<QueryOutcome> {
		const url = new URL(`${this.base.pathname.replace(/\/+$/, '')}/api/v1/query`, this.base);
		const post = encoded.length > maxGetQueryLength;
		if (!post) url.search = `?query=${encoded}`;
		const body = post ? `query=${encoded}` : undefined;
		// Go's url.Redacted: a password in the address itself never reaches a message.
		const shown = url.password ? url.href.replace(`:${url.password}@`, ':xxxxx@') : url.href;
		const verb = post ? 'Post' : 'Get';
		const secure = url.protocol === 'https:';
		const clock = this.options.clock;
		const realTimeout = timeoutWithFloor(clock, this.options.timeoutMs ?? 5000) / clock.speed;
		return new Promise(resolve => {
			let settled = false;
			const finish = (outcome: QueryOutcome) => {
				if (settled) return;
				settled = true;
				clearTimeout(deadline);
				resolve(outcome);
			};
			const request = (secure ? https : http).request(
				url,
				{
					method: post ? 'POST' : 'GET',
					headers: this.headers(body),
					rejectUnauthorized: !this.endpoint.insecureSkipVerify,
				},
				response => {
					const chunks: Buffer[] = [];
					let size = 0;
					response.on('data', (chunk: Buffer) => {
						size += chunk.length;
						if (size > maxBodyBytes) {
							request.destroy();
							finish({ok: false, noData: false, error: `error reading body: larger than ${maxBodyBytes / 1024 / 1024} MiB`});
							return;
						}
						chunks.push(chunk);
					});
					response.on('end', () => finish(parseQueryResponse(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
					response.on('error', error => finish({ok: false, noData: false, error: `error reading body: ${error.message}`}));
				},
			);
			const deadline = setTimeout(() => {
				request.destroy();
				finish({ok: false, noData: false, error: `request failed: ${verb} "${shown}": context deadline exceeded`});
			}, realTimeout);
			request.on('error', error => finish({ok: false, noData: false, error: `request failed: ${verb} "${shown}": ${describeNetworkError(error as NodeJS.ErrnoException, url)}`}));
			request.end(body);
		});
	}

	private headers(body: string | undefined): http.OutgoingHttpHeaders {
		const headers: http.OutgoingHttpHeaders = {};
		for (const [name, values] of Object.entries(this.endpoint.headers ?? {})) headers[name] = values;
		if (this.authorization) headers['Authorization'] = this.authorization;
		if (body !== undefined) {
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			headers['Content-Length'] = Buffer.byteLength(body);
		}
		return headers;
	}

	private mask(text: string): string {
		return this.secrets.reduce((masked, secret) => masked.replaceAll(secret, '***'), text);
	}
}

/** Go's url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay as they are; spaces become '+'. */
export function goQueryEscape(text: string): string {
	return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
