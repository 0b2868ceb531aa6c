// A local HTTP receiver on 127.0.0.1 that records every request; the answer per path is chosen
// by `respond` (default 200 "ok"); CONNECT requests (as a proxy) are recorded and refused.
import {createServer, type IncomingHttpHeaders, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export type Received = {method: string; url: string; headers: IncomingHttpHeaders; raw: string; body: any};

export type Receiver = {
	base: string;
	port: number;
	received: Received[];
	/** Requests whose path starts with `prefix`. */
	at(prefix: string): Received[];
	/** Resolves once `count` requests have arrived at `prefix` (polling, real time). */
	waitFor(prefix: string, count?: number, timeoutMs?: number): Promise<Received[]>;
	close(): Promise<void>;
};

export async function startReceiver(respond: (request: Received, response: ServerResponse) => void = (_r, res) => void res.writeHead(200).end('ok')): Promise<Receiver> {
	const received: Received[] = [];
	const server: Server = createServer((req, res) => {
		let raw = '';
		req.on('data', chunk => (raw += chunk));
		req.on('end', () => {
			let body: unknown;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = undefined;
			}
			const request = {method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body};
			received.push(request);
			respond(request, res);
		});
	});
	// As a proxy, it refuses every CONNECT tunnel.
	server.on('connect', (req, socket) => {
		received.push({method: 'CONNECT', url: req.url ?? '', headers: req.headers, raw: '', body: undefined});
		socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const at = (prefix: string) => received.filter(r => r.url.startsWith(prefix) || r.url.includes(`127.0.0.1:${port}${prefix}`));
	return {
		base: `http://127.0.0.1:${port}`,
		port,
		received,
		at,
		async waitFor(prefix, count = 1, timeoutMs = 5000) {
			const until = Date.now() + timeoutMs;
			while (at(prefix).length < count) {
				if (Date.now() > until) throw new Error(`waited ${timeoutMs}ms for ${count} request(s) at ${prefix}, got ${at(prefix).length}`);
				await new Promise(resolve => setTimeout(resolve, 10));
			}
			return at(prefix);
		},
		close: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
