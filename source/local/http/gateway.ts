// The mesh's ingress: a small reverse proxy on 127.0.0.1 that asks `choose` for an upstream
// pod per request and streams request and answer through, answering like Envoy when there is
// nowhere to go.
import {Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse} from 'node:http';
import {closeServer, listenLocal} from './listen.js';
import type {Address, Endpoint} from './types.js';

export type GatewayRequest = {method: string; path: string; headers: IncomingHttpHeaders};

export type GatewayOptions = {
	port: number;
	choose: (req: GatewayRequest) => Endpoint | undefined;
	/** Served by the gateway itself, keyed by path without query, e.g. '/metrics'. */
	extraRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
};

export type Gateway = {address: Address; close(): Promise<void>};

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization']);

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
	const agent = new Agent({keepAlive: true, maxSockets: 256});
	const extraRoutes = options.extraRoutes ?? {};

	const server = createServer((req, res) => {
		const path = req.url ?? '/';
		const extra = extraRoutes[path.split('?', 1)[0] ?? path];
		if (extra) {
			extra(req, res);
			return;
		}
		const method = req.method ?? 'GET';
		let endpoint: Endpoint | undefined;
		try {
			endpoint = options.choose({method, path, headers: req.headers});
		} catch {
			endpoint = undefined;
		}
		if (!endpoint) {
			plain(res, 503, 'no healthy upstream');
			return;
		}
		proxy(req, res, method, path, endpoint, agent);
	});

	const address = await listenLocal(server, options.port);
	return {
		address,
		async close() {
			await closeServer(server);
			agent.destroy();
		},
	};
}

function proxy(req: IncomingMessage, res: ServerResponse, method: string, path: string, endpoint: Endpoint, agent: Agent): void {
	const upstream = request({host: endpoint.address.host, port: endpoint.address.port, method, path, headers: forwarded(req.headers), agent});
	upstream.on('response', answer => {
		res.writeHead(answer.statusCode ?? 502, forwarded(answer.headers));
		answer.pipe(res);
		answer.on('error', () => res.destroy());
	});
	upstream.on('error', () => {
		if (res.headersSent) res.destroy();
		else plain(res, 503, 'upstream connect error or disconnect/reset before headers');
	});
	// A client that goes away cancels the upstream request too.
	res.on('close', () => {
		if (!res.writableFinished) upstream.destroy();
	});
	req.pipe(upstream);
}

function forwarded(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
	const result: OutgoingHttpHeaders = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined && !hopByHop.has(name)) result[name] = value;
	}
	return result;
}

function plain(res: ServerResponse, code: number, text: string): void {
	res.writeHead(code, {'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text)});
	res.end(text);
}
