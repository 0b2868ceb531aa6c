// A local HTTP server on 127.0.0.1 that speaks Prometheus's `/api/v1/query` API: it records
// every request (method, path, query, headers) and answers each query as a test scripts it.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export type SeenRequest = {method: string; path: string; query: string; headers: IncomingMessage['headers']};

/** Returns true when it answered; otherwise the stub answers `vector(1)` with 1 and anything else with an empty vector. */
export type Answer = (query: string, response: ServerResponse, request: SeenRequest) => boolean | void;

export type PrometheusStub = {
	url: string;
	seen: SeenRequest[];
	/** Scripts the answers; replaces any earlier script. */
	answer(answer: Answer): void;
	close(): Promise<void>;
};

export const vector = (...values: string[]) =>
	JSON.stringify({status: 'success', data: {resultType: 'vector', result: values.map((value, i) => ({metric: {pod: `p${i}`}, value: [1_700_000_000.123, value]}))}});

export const scalar = (value: string) => JSON.stringify({status: 'success', data: {resultType: 'scalar', result: [1_700_000_000.123, value]}});

export const matrix = () =>
	JSON.stringify({status: 'success', data: {resultType: 'matrix', result: [{metric: {}, values: [[1, '1'], [2, '2']]}]}});

export const apiError = (errorType: string, error: string) => JSON.stringify({status: 'error', errorType, error});

export function json(response: ServerResponse, body: string, status = 200): true {
	response.writeHead(status, {'Content-Type': 'application/json'}).end(body);
	return true;
}

export async function startPrometheusStub(): Promise<PrometheusStub> {
	let script: Answer = () => false;
	const seen: SeenRequest[] = [];
	const server: Server = createServer((request, response) => {
		let body = '';
		request.on('data', chunk => (body += chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://stub');
			const query = request.method === 'POST' ? (new URLSearchParams(body).get('query') ?? '') : (url.searchParams.get('query') ?? '');
			const seenRequest = {method: request.method ?? '', path: url.pathname, query, headers: request.headers};
			seen.push(seenRequest);
			if (script(query, response, seenRequest)) return;
			if (!url.pathname.endsWith('/api/v1/query')) return void json(response, '404 page not found', 404);
			json(response, query === 'vector(1)' ? vector('1') : vector());
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		answer: answer => (script = answer),
		close: () =>
			new Promise<void>(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
