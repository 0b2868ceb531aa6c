// Flagger's webhook semantics (semantics §5.1–5.2) against a real local HTTP receiver.
import {createServer, type IncomingMessage, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {Canary} from '../../source/core/spec/types.js';
import {WebhookClient} from '../../source/webhooks/webhook-client.js';

type Seen = {path: string; body: any; contentType?: string};
const seen: Seen[] = [];
let server: Server;
let base = '';
const attempts = new Map<string, number>();

beforeAll(async () => {
	server = createServer((req: IncomingMessage, res) => {
		let raw = '';
		req.on('data', chunk => (raw += chunk));
		req.on('end', () => {
			const path = req.url ?? '/';
			seen.push({path, body: raw ? JSON.parse(raw) : undefined, contentType: req.headers['content-type']});
			attempts.set(path, (attempts.get(path) ?? 0) + 1);
			const status = Number(path.split('/')[1]);
			if (path.startsWith('/slow')) return void setTimeout(() => res.writeHead(200).end('late'), 2000);
			if (path.startsWith('/flaky') && attempts.get(path)! < 3) return void res.writeHead(503).end('warming up');
			if (path.startsWith('/flaky')) return void res.writeHead(200).end('ok');
			res.writeHead(status).end(status >= 400 || status === 203 ? `body of ${status} \u001b[31mred\u001b[0m` : 'fine');
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

const canary = {
	apiVersion: 'flagger.app/v1beta1',
	kind: 'Canary',
	metadata: {name: 'podinfo', namespace: 'apps'},
	spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}},
	status: {phase: 'Progressing', failedChecks: 0, canaryWeight: 0, iterations: 0, lastAppliedSpec: 'abc', lastPromotedSpec: 'xyz', lastTransitionTime: ''},
} as Canary;

// A fast clock so retry backoffs (1s, 2s, … virtual) take milliseconds; timeouts keep a real floor of 1s.
const client = new WebhookClient({clock: realClock(100)});

describe('webhook calls', () => {
	it('POSTs {name, namespace, phase, checksum, metadata} as JSON', async () => {
		const result = await client.call(canary, {name: 'load-test', url: `${base}/200/payload`, metadata: {cmd: 'hey -z 1m'}}, 'Progressing');
		expect(result).toEqual({ok: true});
		const request = seen.find(s => s.path === '/200/payload')!;
		expect(request.contentType).toBe('application/json');
		expect(Object.keys(request.body)).toEqual(['name', 'namespace', 'phase', 'checksum', 'metadata']);
		expect(request.body).toMatchObject({name: 'podinfo', namespace: 'apps', phase: 'Progressing', metadata: {cmd: 'hey -z 1m'}});
		expect(request.body.checksum).toMatch(/^[a-z0-9]+$/);
	});

	it('omits metadata when the hook has none', async () => {
		await client.call(canary, {name: 'gate', url: `${base}/202/nometa`}, 'Progressing');
		expect(seen.find(s => s.path === '/202/nometa')!.body).not.toHaveProperty('metadata');
	});

	it.each([200, 201, 202])('%i passes', async status => {
		expect(await client.call(canary, {name: 'h', url: `${base}/${status}/ok`}, 'Progressing')).toEqual({ok: true});
	});

	it.each([203, 204, 403, 404])('%i fails with the answer body as the error (sanitised only for display)', async status => {
		const result = await client.call(canary, {name: 'h', url: `${base}/${status}/no`}, 'Progressing');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toBe(status === 204 ? '' : `body of ${status} \u001b[31mred\u001b[0m`);
	});

	it('a 5xx gives up after retries+1 attempts and shows the body, sanitised and truncated (our fix)', async () => {
		const result = await client.call(canary, {name: 'h', url: `${base}/500/broken`, retries: 2}, 'Progressing');
		expect(attempts.get('/500/broken')).toBe(3);
		expect(result).toEqual({ok: false, error: `POST ${base}/500/broken giving up after 3 attempt(s): unexpected HTTP status 500 Internal Server Error: body of 500 red`});
	});

	it('501 is not retried and fails with its body', async () => {
		const result = await client.call(canary, {name: 'h', url: `${base}/501/nope`, retries: 3}, 'Progressing');
		expect(attempts.get('/501/nope')).toBe(1);
		expect(result).toEqual({ok: false, error: 'body of 501 \u001b[31mred\u001b[0m'});
	});

	it('retries turn a transient 503 into a pass', async () => {
		expect(await client.call(canary, {name: 'h', url: `${base}/flaky`, retries: 3}, 'Progressing')).toEqual({ok: true});
		expect(attempts.get('/flaky')).toBe(3);
	});

	it('a timeout is Go’s "context deadline exceeded" after the given attempts', async () => {
		const result = await client.call(canary, {name: 'h', url: `${base}/slow`, timeout: '1s'}, 'Progressing');
		expect(result).toEqual({ok: false, error: `POST ${base}/slow giving up after 1 attempt(s): Post "${base}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`});
	});

	it('a refused connection names the address like Go’s dialer', async () => {
		const result = await client.call(canary, {name: 'h', url: 'http://127.0.0.1:1/'}, 'Progressing');
		expect(result).toEqual({ok: false, error: 'POST http://127.0.0.1:1/ giving up after 1 attempt(s): Post "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused'});
	});
});
