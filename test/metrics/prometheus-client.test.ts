// The Prometheus client against a local server speaking the query API: how each kind of
// answer reads (Flagger's providers/prometheus.go), the requests it sends, auth, timeouts.
import {createServer as createHttpsServer} from 'node:https';
import {createServer, type AddressInfo} from 'node:net';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import {goQueryEscape, invalidAddress, PrometheusClient, type PrometheusEndpoint} from '../../source/metrics/prometheus/prometheus-client.js';
import {cert, key} from './self-signed-cert.js';
import {apiError, json, matrix, scalar, startPrometheusStub, vector, type PrometheusStub} from './prometheus-api-stub.js';

let stub: PrometheusStub;
beforeAll(async () => (stub = await startPrometheusStub()));
afterAll(() => stub.close());
beforeEach(() => {
	stub.seen.length = 0;
	stub.answer(() => false);
});

const clock = realClock(1);
const client = (endpoint: Partial<PrometheusEndpoint> = {}, timeoutMs?: number) => new PrometheusClient({address: stub.url, ...endpoint}, {clock, timeoutMs});
const answering = (body: string, status = 200) => stub.answer((_query, response) => json(response, body, status));

describe('reading answers', () => {
	it('a vector: the sample value; with several series the last one wins, as Flagger loops over them', async () => {
		answering(vector('99.5'));
		expect(await client().query('up')).toEqual({ok: true, value: 99.5});
		answering(vector('1', '2', '3'));
		expect(await client().query('up')).toEqual({ok: true, value: 3});
	});

	it('a scalar: its value', async () => {
		answering(scalar('42'));
		expect(await client().query('scalar(up)')).toEqual({ok: true, value: 42});
	});

	it('an empty vector and NaN are "no values found", never a number', async () => {
		answering(vector());
		expect(await client().query('up')).toEqual({ok: false, noData: true, error: 'no values found'});
		answering(vector('NaN'));
		expect(await client().query('up')).toEqual({ok: false, noData: true, error: 'no values found'});
		answering(scalar('NaN'));
		expect(await client().query('up')).toEqual({ok: false, noData: true, error: 'no values found'});
	});

	it('+Inf and -Inf are numbers', async () => {
		answering(vector('+Inf'));
		expect(await client().query('up')).toEqual({ok: true, value: Infinity});
		answering(vector('-Inf'));
		expect(await client().query('up')).toEqual({ok: true, value: -Infinity});
	});

	it('a range result is "query returned multiple values"', async () => {
		answering(matrix());
		expect(await client().query('up[5m]')).toEqual({ok: false, noData: false, error: 'query returned multiple values'});
	});

	it('a sample that is not a float is strconv.ParseFloat\'s error', async () => {
		answering(vector('fast'));
		expect(await client().query('up')).toEqual({ok: false, noData: false, error: 'strconv.ParseFloat: parsing "fast": invalid syntax'});
	});

	it('HTTP >= 400: the status and the body (Prometheus\'s own error JSON)', async () => {
		const body = apiError('bad_data', 'invalid parameter "query": 1:5: parse error: unexpected end of input');
		answering(body, 400);
		expect(await client().query('sum(')).toEqual({ok: false, noData: false, error: `error response: Status 400 Bad Request: ${body}`});
		answering(apiError('execution', 'query timed out in expression evaluation'), 503);
		const slow = await client().query('up');
		expect(slow.ok).toBe(false);
		expect(!slow.ok && slow.error).toBe(`error response: Status 503 Service Unavailable: ${apiError('execution', 'query timed out in expression evaluation')}`);
	});

	it('a 5xx body from a proxy is shown sanitised and cut at 200 characters', async () => {
		answering(`<html>\u001b[31m${'x'.repeat(500)}</html>`, 502);
		const outcome = await client().query('up');
		expect(!outcome.ok && outcome.error).toBe(`error response: Status 502 Bad Gateway: <html>${'x'.repeat(194)}…`);
	});

	it('status "error" in a 2xx answer is that error, not "no values found", with escape sequences removed', async () => {
		answering(apiError('timeout', 'query timed out'));
		expect(await client().query('up')).toEqual({ok: false, noData: false, error: 'timeout: query timed out'});
		answering(apiError('execution', '\u001b[2J\u001b]0;owned\u0007cleared'));
		expect(await client().query('up')).toEqual({ok: false, noData: false, error: 'execution: cleared'});
	});

	it('a body that is not JSON: encoding/json\'s words and the body', async () => {
		stub.answer((_q, response) => {
			response.writeHead(200, {'Content-Type': 'text/html'}).end('<html>login</html>');
			return true;
		});
		expect(await client().query('up')).toEqual({ok: false, noData: false, error: "error unmarshaling result: invalid character '<' looking for beginning of value, '<html>login</html>'"});
		stub.answer((_q, response) => {
			response.writeHead(200).end();
			return true;
		});
		expect(await client().query('up')).toEqual({ok: false, noData: false, error: "error unmarshaling result: unexpected end of JSON input, ''"});
	});
});

describe('requests', () => {
	it('GET <address>/api/v1/query with the query, whitespace collapsed, Go-escaped', async () => {
		answering(vector('1'));
		await client().query('sum(\n\t\trate(x{a="b"}[1m])\n\t)  * 100');
		expect(stub.seen).toHaveLength(1);
		expect(stub.seen[0]).toMatchObject({method: 'GET', path: '/api/v1/query', query: 'sum( rate(x{a="b"}[1m]) ) * 100'});
		expect(goQueryEscape('sum(x{a!~"5.*"}) * 100')).toBe('sum%28x%7Ba%21~%225.%2A%22%7D%29+%2A+100');
	});

	it('keeps the path of the address (a Prometheus behind a prefix)', async () => {
		answering(vector('1'));
		await client({address: `${stub.url}/prometheus/`}).query('up');
		await client({address: `${stub.url}/prometheus`}).query('up');
		expect(stub.seen.map(seen => seen.path)).toEqual(['/prometheus/api/v1/query', '/prometheus/api/v1/query']);
	});

	it('a query too long for a URL is POSTed as a form to the same endpoint', async () => {
		answering(vector('7'));
		const long = `sum(up{job=~"${'a|'.repeat(4000)}b"})`;
		expect(await client().query(long)).toEqual({ok: true, value: 7});
		expect(stub.seen[0]).toMatchObject({method: 'POST', path: '/api/v1/query', query: long});
	});

	it('bearer token, basic auth and custom headers reach the server', async () => {
		answering(vector('1'));
		await client({token: 'tok-123', headers: {'X-Scope-OrgID': ['tenant-a']}}).query('up');
		await client({username: 'ann', password: 'pw'}).query('up');
		await client().query('up');
		expect(stub.seen[0]!.headers['authorization']).toBe('Bearer tok-123');
		expect(stub.seen[0]!.headers['x-scope-orgid']).toBe('tenant-a');
		expect(stub.seen[1]!.headers['authorization']).toBe(`Basic ${Buffer.from('ann:pw').toString('base64')}`);
		expect(stub.seen[2]!.headers['authorization']).toBeUndefined();
	});

	it('a secret the server echoes back never reaches the error text', async () => {
		// The server echoes the header and, for basic auth, the decoded user:password.
		stub.answer((_q, response, request) => {
			const header = request.headers['authorization'] ?? '';
			const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
			return json(response, `bad credentials: ${header} ${decoded}`, 401);
		});
		for (const endpoint of [{token: 'tok-secret'}, {username: 'ann', password: 'pw-secret'}]) {
			const outcome = await client(endpoint).query('up');
			expect(outcome.ok).toBe(false);
			const error = !outcome.ok ? outcome.error : '';
			expect(error).toMatch(/^error response: Status 401 Unauthorized: bad credentials: /);
			for (const secret of ['tok-secret', 'pw-secret', Buffer.from('ann:pw-secret').toString('base64')]) expect(error).not.toContain(secret);
		}
		const inAddress = await new PrometheusClient({address: 'http://ann:pw-secret@127.0.0.1:1'}, {clock}).query('up');
		expect(!inAddress.ok && inAddress.error).toBe('request failed: Get "http://ann:xxxxx@127.0.0.1:1/api/v1/query?query=up": dial tcp 127.0.0.1:1: connect: connection refused');
	});
});

describe('a Prometheus that is down or slow fails the query with a clear message', () => {
	it('connection refused', async () => {
		const port = await closedPort();
		const outcome = await new PrometheusClient({address: `http://127.0.0.1:${port}`}, {clock}).query('vector(1)');
		expect(outcome).toEqual({ok: false, noData: false, error: `request failed: Get "http://127.0.0.1:${port}/api/v1/query?query=vector%281%29": dial tcp 127.0.0.1:${port}: connect: connection refused`});
	});

	it('no answer within the timeout: context deadline exceeded', async () => {
		stub.answer((_q, response) => {
			setTimeout(() => json(response, vector('1')), 1500);
			return true;
		});
		const started = Date.now();
		const outcome = await client({}, 300).query('up');
		expect(Date.now() - started).toBeLessThan(1200);
		expect(outcome).toEqual({ok: false, noData: false, error: `request failed: Get "${stub.url}/api/v1/query?query=up": context deadline exceeded`});
	});

	it('the timeout is virtual time with a real floor of one second, as webhooks', async () => {
		stub.answer((_q, response) => {
			setTimeout(() => json(response, vector('5')), 400);
			return true;
		});
		// 5 s at --speed 100 would be 50 real ms; the floor keeps a healthy but busy server usable.
		expect(await new PrometheusClient({address: stub.url}, {clock: realClock(100)}).query('up')).toEqual({ok: true, value: 5});
	});
});

describe('https', () => {
	it('a self-signed certificate is refused unless insecureSkipVerify', async () => {
		const server = createHttpsServer({key, cert}, (_request, response) => json(response, vector('1')));
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const strict = await new PrometheusClient({address}, {clock}).query('up');
			expect(strict).toEqual({ok: false, noData: false, error: `request failed: Get "${address}/api/v1/query?query=up": self-signed certificate`});
			expect(await new PrometheusClient({address, insecureSkipVerify: true}, {clock}).query('up')).toEqual({ok: true, value: 1});
		} finally {
			server.closeAllConnections();
			await new Promise<void>(resolve => server.close(() => resolve()));
		}
	});
});

describe('the provider check and addresses', () => {
	it('isOnline asks vector(1) and wants exactly 1', async () => {
		expect(await client().isOnline()).toEqual({ok: true});
		expect(stub.seen[0]!.query).toBe('vector(1)');
		answering(vector('2'));
		expect(await client().isOnline()).toEqual({ok: false, error: 'value is not 1 for query: vector(1)'});
		answering(vector());
		expect(await client().isOnline()).toEqual({ok: false, error: 'running query failed: no values found'});
	});

	it('only http and https URLs are addresses', () => {
		expect(invalidAddress('http://prometheus:9090')).toBeUndefined();
		expect(invalidAddress('https://prom.example/x/')).toBeUndefined();
		expect(invalidAddress('prometheus:9090')).toBe('prometheus address prometheus:9090 is not a valid URL');
		expect(invalidAddress('')).toBe('prometheus address  is not a valid URL');
	});
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}
