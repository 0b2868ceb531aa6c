// Flagger's notifier client (pkg/notifier/client.go): POST JSON with a 5 s timeout, optionally
// through an HTTP proxy (plain requests in absolute form, https through a CONNECT tunnel);
// success only for 200; otherwise `sending notification failed: <body or cause>`.
// Addresses are credentials: the caller redacts the error text (redact.ts).
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import {timeoutWithFloor, type Clock} from '../clock.js';
import type {Result} from '../core/engine/ops.js';
import {describeNetworkError} from '../webhooks/webhook-client.js';

export type PostTarget = {url: string; proxy?: string; headers?: Record<string, string>};

/** Flagger's notifier timeout. */
export const notifierTimeoutMs = 5000;

export function postMessage(target: PostTarget, body: string, clock: Clock): Promise<Result> {
	const fail = (cause: string): Result => ({ok: false, error: `sending notification failed: ${cause}`});
	let url: URL;
	let proxy: URL | undefined;
	try {
		url = new URL(target.url);
	} catch {
		return Promise.resolve({ok: false, error: `http.NewRequest failed: parse "${target.url}": invalid URI for request`});
	}
	try {
		proxy = target.proxy ? new URL(target.proxy) : undefined;
	} catch {
		return Promise.resolve({ok: false, error: `unable to parse proxy URL '${target.proxy}'`});
	}
	const realTimeout = timeoutWithFloor(clock, notifierTimeoutMs) / clock.speed;
	const secure = url.protocol === 'https:';
	const port = Number(url.port || (secure ? 443 : 80));
	const headers = {'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Host: url.host, ...target.headers};
	return new Promise<Result>(resolve => {
		let done = false;
		const finish = (result: Result) => {
			if (done) return;
			done = true;
			clearTimeout(deadline);
			resolve(result);
		};
		const sockets: Array<{destroy(): void}> = [];
		const deadline = setTimeout(() => {
			for (const socket of sockets) socket.destroy();
			finish(fail(`Post "${target.url}": context deadline exceeded`));
		}, realTimeout);
		deadline.unref();
		const send = (options: http.RequestOptions, client: typeof http | typeof https) => {
			const request = client.request({...options, method: 'POST', headers}, response => {
				const chunks: Buffer[] = [];
				response.on('data', chunk => chunks.push(chunk as Buffer));
				response.on('end', () => finish(response.statusCode === 200 ? {ok: true} : fail(Buffer.concat(chunks).toString('utf8'))));
				response.on('error', error => finish(fail(`Post "${target.url}": ${error.message}`)));
			});
			sockets.push(request);
			// An alert on its way never keeps a stopping canary-tui alive.
			request.on('socket', socket => socket.unref());
			request.on('error', error => finish(fail(`Post "${target.url}": ${describeNetworkError(error as NodeJS.ErrnoException, url)}`)));
			request.end(body);
		};
		const path = `${url.pathname}${url.search}`;
		if (!proxy) return send({hostname: url.hostname, port, path}, secure ? https : http);
		const proxyPort = Number(proxy.port || 80);
		if (!secure) return send({hostname: proxy.hostname, port: proxyPort, path: url.href}, http);
		// https through the proxy: a CONNECT tunnel, then TLS to the real host inside it.
		const connect = http.request({hostname: proxy.hostname, port: proxyPort, method: 'CONNECT', path: `${url.hostname}:${port}`, headers: {Host: `${url.hostname}:${port}`}});
		sockets.push(connect);
		connect.on('socket', socket => socket.unref());
		connect.on('connect', (response, socket) => {
			sockets.push(socket);
			if (response.statusCode !== 200) {
				socket.destroy();
				return finish(fail(`Post "${target.url}": proxyconnect tcp: ${response.statusCode} ${response.statusMessage ?? ''}`.trimEnd()));
			}
			const secured = tls.connect({socket, servername: url.hostname});
			sockets.push(secured);
			send({hostname: url.hostname, port, path, agent: false, createConnection: () => secured}, https);
		});
		connect.on('error', error => finish(fail(`Post "${target.url}": proxyconnect tcp: ${describeNetworkError(error as NodeJS.ErrnoException, proxy!)}`)));
		connect.end();
	});
}
