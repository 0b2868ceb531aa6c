// Users of the demo: a steady stream of browser and curl requests through the gateway, and
// the seed's `watch -n 0.5 curl $URL/status/500`. Rates are virtual; at most a bounded number
// of requests are in flight, and when the target is slow new ones are dropped, not queued.
import {Agent, request} from 'node:http';
import {timeoutWithFloor, type Clock, type Timer} from '../../clock.js';

export type TrafficOptions = {
	/** Gateway base URL, e.g. http://127.0.0.1:8080 */
	url: string;
	clock: Clock;
	/** Requests per virtual second. */
	ratePerSecond: number;
	random?: () => number;
};

export type Traffic = {stop(): void; sent(): number};

export type StreamOptions = {url: string; path: string; userAgent: string; everyMs: number; clock: Clock};

export const userAgents = {
	chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
	safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
	edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
	firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
	curl: 'curl/8.5.0',
} as const;

/** Cumulative shares: 50% Chrome, 20% Safari, 5% Edge, 15% Firefox, 10% curl. */
const agentMix: Array<[number, string]> = [
	[0.5, userAgents.chrome],
	[0.7, userAgents.safari],
	[0.75, userAgents.edge],
	[0.9, userAgents.firefox],
	[1, userAgents.curl],
];

const maxInFlight = 32;
/** Virtual ms a user waits before giving up, like the canary's 15s route timeout. */
const requestTimeoutMs = 15_000;

export function startTraffic(options: TrafficOptions): Traffic {
	const {clock} = options;
	const random = options.random ?? Math.random;
	const client = createClient(options.url, clock, maxInFlight);
	const start = clock.now();
	let issued = 0;
	let count = 0;
	let timer: Timer | undefined;
	let stopped = false;

	// Sends what is due since the start and ticks at most every ~10 real ms, so high speeds
	// do not depend on the timer's resolution.
	const tick = () => {
		if (stopped) return;
		const due = Math.floor(((clock.now() - start) * options.ratePerSecond) / 1000);
		// Requests late by a stall of the event loop go out on the next ticks as slots free
		// up; what is more than a virtual second behind (a slow target, a jump of a manual
		// clock) is dropped.
		issued = Math.max(issued, due - Math.max(maxInFlight, Math.ceil(options.ratePerSecond)));
		for (; issued < due && !client.busy(); issued++) {
			const roll = random();
			const userAgent = agentMix.find(([share]) => roll < share)?.[1] ?? userAgents.chrome;
			client.send(random() < 0.9 ? '/' : '/version', userAgent);
			count++;
		}
		const interval = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 1000;
		timer = clock.setTimeout(tick, Math.max(interval, 10 * clock.speed));
	};
	tick();

	return {
		stop() {
			stopped = true;
			timer?.cancel();
			client.close();
		},
		sent: () => count,
	};
}

/** One request, then a pause of everyMs after it completes, like `watch -n`. */
export function startStream(options: StreamOptions): {stop(): void} {
	const {clock} = options;
	const client = createClient(options.url, clock, 1);
	let timer: Timer | undefined;
	let stopped = false;
	const next = () => {
		if (stopped) return;
		client.send(options.path, options.userAgent, () => {
			if (!stopped) timer = clock.setTimeout(next, options.everyMs);
		});
	};
	next();
	return {
		stop() {
			stopped = true;
			timer?.cancel();
			client.close();
		},
	};
}

type Client = {busy(): boolean; send(path: string, userAgent: string, done?: () => void): boolean; close(): void};

function createClient(base: string, clock: Clock, limit: number): Client {
	const agent = new Agent({keepAlive: true, maxSockets: limit});
	const inFlight = new Set<() => void>();
	return {
		busy: () => inFlight.size >= limit,
		send(path, userAgent, done) {
			if (inFlight.size >= limit) return false;
			let settled = false;
			const req = request(new URL(path, base), {agent, headers: {'user-agent': userAgent, accept: '*/*'}});
			const abort = () => req.destroy();
			const finish = () => {
				if (settled) return;
				settled = true;
				timeout.cancel();
				inFlight.delete(abort);
				done?.();
			};
			const timeout = clock.setTimeout(abort, timeoutWithFloor(clock, requestTimeoutMs));
			inFlight.add(abort);
			req.on('response', res => {
				res.on('end', finish);
				res.on('error', finish);
				res.resume();
			});
			req.on('error', finish);
			req.on('close', finish);
			req.end();
			return true;
		},
		close() {
			for (const abort of inFlight) abort();
			agent.destroy();
		},
	};
}
