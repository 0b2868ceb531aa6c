// Flagger-compatible webhook calls (semantics §5.1–5.2): POST the canary payload, success
// only for 200–202, go-retryablehttp's retries and error texts — plus our fix: a 5xx
// answer's body is shown (sanitised, at most 200 characters).
import http from 'node:http';
import https from 'node:https';
import {timeoutWithFloor, type Clock} from '../clock.js';
import type {Result} from '../core/engine/ops.js';
import {webhookTimeout} from '../core/spec/defaults.js';
import type {Canary, CanaryWebhook, Phase} from '../core/spec/types.js';
import {canonicalJson, templateHash} from '../core/workloads/template-hash.js';
import {sanitize} from '../text/sanitize.js';
import {retryBackoff} from '../core/engine/webhook-budget.js';

export type Resolve = (host: string) => {host: string; port: number} | undefined;

export type WebhookPayload = {name: string; namespace: string; phase: Phase; checksum: string; metadata?: Record<string, string>};

type Attempt = {status: number; statusText: string; body: string} | {error: string};

const statusTexts: Record<number, string> = http.STATUS_CODES as Record<number, string>;

export function webhookPayload(canary: Canary, phase: Phase, metadata?: Record<string, string>): WebhookPayload {
	const checksum = templateHash(canonicalJson({trackedConfigs: canary.status?.trackedConfigs ?? {}, lastAppliedSpec: canary.status?.lastAppliedSpec ?? ''}));
	return {name: canary.metadata.name, namespace: canary.metadata.namespace!, phase, checksum, ...(metadata ? {metadata} : {})};
}

export class WebhookClient {
	constructor(private readonly options: {clock: Clock; resolve?: Resolve}) {}

	async call(canary: Canary, hook: CanaryWebhook, phase: Phase): Promise<Result> {
		return this.post(hook, webhookPayload(canary, phase, hook.metadata));
	}

	async post(hook: Pick<CanaryWebhook, 'url' | 'timeout' | 'retries' | 'disableTLS'>, payload: unknown): Promise<Result> {
		const timeoutMs = webhookTimeout(hook as CanaryWebhook) / 1_000_000;
		const retries = Math.max(0, hook.retries ?? 0);
		let last: Attempt = {error: 'no attempt made'};
		for (let attempt = 1; attempt <= retries + 1; attempt++) {
			last = await this.attempt(hook, JSON.stringify(payload), timeoutMs);
			if ('status' in last && !shouldRetry(last.status)) {
				if (last.status <= 202) return {ok: true};
				return {ok: false, error: last.body};
			}
			if (attempt <= retries) await this.sleep(retryBackoff(attempt - 1) / 1_000_000);
		}
		const cause = 'error' in last ? last.error : `unexpected HTTP status ${last.status} ${last.statusText}${bodySuffix(last.body)}`;
		return {ok: false, error: `POST ${hook.url} giving up after ${retries + 1} attempt(s): ${cause}`};
	}

	private sleep(ms: number): Promise<void> {
		return new Promise(resolve => this.options.clock.setTimeout(resolve, ms));
	}

	private attempt(hook: Pick<CanaryWebhook, 'url' | 'disableTLS'>, body: string, timeoutMs: number): Promise<Attempt> {
		let url: URL;
		try {
			url = new URL(hook.url);
		} catch {
			return Promise.resolve({error: `parse "${hook.url}": invalid URI for request`});
		}
		const secure = url.protocol === 'https:';
		const defaultPort = secure ? 443 : 80;
		const resolved = this.options.resolve?.(url.host);
		const realTimeout = timeoutWithFloor(this.options.clock, timeoutMs) / this.options.clock.speed;
		return new Promise(resolve => {
			const request = (secure ? https : http).request(
				{
					method: 'POST',
					hostname: resolved?.host ?? url.hostname,
					port: resolved?.port ?? (url.port ? Number(url.port) : defaultPort),
					path: `${url.pathname}${url.search}`,
					headers: {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Host: url.host},
					rejectUnauthorized: !hook.disableTLS,
					timeout: realTimeout,
				},
				response => {
					const chunks: Buffer[] = [];
					response.on('data', chunk => chunks.push(chunk as Buffer));
					response.on('end', () => {
						clearTimeout(deadline);
						const status = response.statusCode ?? 0;
						resolve({status, statusText: statusTexts[status] ?? '', body: Buffer.concat(chunks).toString('utf8')});
					});
				},
			);
			const deadline = setTimeout(() => {
				request.destroy();
				resolve({error: `Post "${hook.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`});
			}, realTimeout);
			request.on('error', error => {
				clearTimeout(deadline);
				resolve({error: `Post "${hook.url}": ${describeNetworkError(error as NodeJS.ErrnoException, url)}`});
			});
			request.end(body);
		});
	}
}

/** go-retryablehttp's default policy: connection errors, 429 and 5xx except 501. */
function shouldRetry(status: number): boolean {
	return status === 429 || (status >= 500 && status !== 501);
}

export function bodySuffix(body: string): string {
	const text = sanitize(body).trim();
	if (text === '') return '';
	return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

export function describeNetworkError(error: NodeJS.ErrnoException, url: URL): string {
	const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
	if (error.code === 'ECONNREFUSED') return `dial tcp ${target}: connect: connection refused`;
	if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `dial tcp: lookup ${url.hostname}: no such host`;
	if (error.code === 'ECONNRESET') return 'EOF';
	return error.message;
}
