// One podinfo-compatible listener per pod. It is also the pod's "sidecar": every inbound
// response, from the gateway or the load tester, is recorded with its code and its duration
// on the Clock, which is what the local metrics read.
import {createHash, createHmac} from 'node:crypto';
import {createServer, type IncomingMessage} from 'node:http';
import {availableParallelism} from 'node:os';
import type {Clock, Timer} from '../../clock.js';
import {closeServer, listenLocal} from './listen.js';
import type {Address, Faults, RecordRequest} from './types.js';

export type PodServerOptions = {
	pod: string;
	workload: string;
	namespace: string;
	version: string;
	clock: Clock;
	record: RecordRequest;
	faults?: () => Faults;
	random?: () => number;
};

export type PodServer = {address: Address; close(): Promise<void>};

type Answer = {code: number; body: string; contentType: string; delayMs: number};

const jsonType = 'application/json; charset=utf-8';
const maxBodyBytes = 64 * 1024;

export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
	const {clock, record} = options;
	const random = options.random ?? Math.random;
	const revision = createHash('sha1').update(`podinfo ${options.version}`).digest('hex');
	const pending = new Set<Timer>();

	const server = createServer((req, res) => {
		const start = clock.now();
		void answer(req, options, revision, clock).then(result => {
			let {code, body, contentType, delayMs} = result;
			const probe = isProbe(req.url);
			const faults = probe ? undefined : options.faults?.();
			if (faults && faults.errorRate > 0 && random() < faults.errorRate) {
				code = 500;
				body = json({status: 500});
				contentType = jsonType;
			}
			delayMs += Math.max(0, faults?.extraLatencyMs ?? 0);
			const send = () => {
				if (res.destroyed) return;
				res.writeHead(code, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff'});
				res.end(body);
				const now = clock.now();
				// A faster clock compresses waiting, not work: real processing time counts as it is,
				// deliberate delays (faults, /delay) in virtual time.
				const processing = (now - start - delayMs) / clock.speed;
				record({time: now, namespace: options.namespace, pod: options.pod, workload: options.workload, code, durationMs: delayMs + Math.max(0, processing)});
			};
			if (delayMs <= 0) {
				send();
				return;
			}
			const timer = clock.setTimeout(() => {
				pending.delete(timer);
				send();
			}, delayMs);
			pending.add(timer);
			// A client that gives up (timeout, gateway reset) frees the timer.
			res.once('close', () => {
				if (!res.writableFinished) {
					timer.cancel();
					pending.delete(timer);
				}
			});
		});
	});
	server.keepAliveTimeout = 30_000;

	const address = await listenLocal(server, 0);
	return {
		address,
		async close() {
			for (const timer of pending) timer.cancel();
			pending.clear();
			await closeServer(server);
		},
	};
}

const isProbe = (url = '/') => {
	const path = url.split('?', 1)[0];
	return path === '/healthz' || path === '/readyz';
};

async function answer(req: IncomingMessage, options: PodServerOptions, revision: string, clock: Clock): Promise<Answer> {
	const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
	const method = req.method ?? 'GET';
	const ok = (value: unknown, code = 200): Answer => ({code, body: json(value), contentType: jsonType, delayMs: 0});

	if (path === '/' || path === '/api/info') {
		return ok({
			hostname: options.pod,
			version: options.version,
			revision,
			color: '#34577c',
			logo: 'https://raw.githubusercontent.com/stefanprodan/podinfo/gh-pages/cuddle_clap.gif',
			message: `greetings from podinfo v${options.version}`,
			goos: 'linux',
			goarch: 'amd64',
			runtime: 'go1.15.5',
			num_goroutine: '8',
			num_cpu: String(availableParallelism()),
		});
	}
	if (path === '/healthz' || path === '/readyz') return ok({status: 'OK'});
	if (path === '/version') return ok({version: options.version, commit: revision});

	const status = /^\/status\/(\d{1,3})$/.exec(path);
	if (status) {
		const code = Number(status[1]);
		if (code >= 100 && code <= 599) return ok({status: code}, code);
	}
	const delay = /^\/delay\/(\d{1,6})$/.exec(path);
	if (delay) {
		const seconds = Number(delay[1]);
		return {...ok({delay: seconds}), delayMs: seconds * 1000};
	}
	if (path === '/token') {
		if (method !== 'POST') return {code: 405, body: '', contentType: 'text/plain; charset=utf-8', delayMs: 0};
		const user = (await readBody(req)) || 'anonymous';
		return ok(issueToken(user, clock.now()));
	}
	return {code: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8', delayMs: 0};
}

function issueToken(user: string, now: number): {token: string; expires_at: string} {
	const expiresAt = Math.floor(now / 1000) + 60;
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${encode({alg: 'HS256', typ: 'JWT'})}.${encode({name: user, exp: expiresAt, iss: 'podinfo'})}`;
	const signature = createHmac('sha256', 'podinfo').update(unsigned).digest('base64url');
	return {token: `${unsigned}.${signature}`, expires_at: new Date(expiresAt * 1000).toISOString().replace('.000Z', 'Z')};
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise(resolve => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= maxBodyBytes) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(''));
	});
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
