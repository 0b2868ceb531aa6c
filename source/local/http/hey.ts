// A native `hey` (github.com/rakyll/hey): the load tester's usual command, which is rarely
// installed. Durations and rates are virtual: `-z 1m -q 10` at speed 20 lasts 3 real seconds
// at 200 real requests per second per worker. Hosts resolve through the Directory on every
// request, so the load spreads over the service's pods.
import {Agent, request} from 'node:http';
import type {Clock, Timer} from '../../clock.js';
import {parseGoDuration} from '../../core/format/go-duration.js';
import {splitShellWords} from './shell-words.js';
import type {Address, Directory} from './types.js';

export type HeyOptions = {
	url: string;
	method: string;
	headers: Record<string, string>;
	body?: string;
	/** -n: total requests when there is no duration (each worker sends requests / concurrency). */
	requests: number;
	/** -c */
	concurrency: number;
	/** -q: requests per second per worker (virtual); 0 = unlimited. */
	qps: number;
	/** -z in virtual ms; 0 = run -n requests instead. */
	durationMs: number;
	/** -t in virtual ms; 0 = none. */
	timeoutMs: number;
	disableKeepAlive: boolean;
};

export type HeySummary = {requests: number; responses: Record<number, number>; errors: number};

export type HeyContext = {clock: Clock; directory: Directory; signal?: AbortSignal};

export type HeyParse = {ok: true; options: HeyOptions} | {ok: false; error: string};

const valueFlags = new Set(['m', 'c', 'n', 'q', 'z', 't', 'H', 'd', 'D', 'A', 'T', 'a', 'x', 'o', 'cpus', 'host']);
const boolFlags = new Set(['h2', 'disable-compression', 'disable-keepalive', 'disable-redirects']);
const heyAgent = 'hey/0.0.1';

/** True for a plain `hey …` invocation that needs no shell (no pipes, lists or substitutions). */
export function isHeyCommand(command: string): boolean {
	const words = splitShellWords(command.trim());
	return words !== undefined && (words[0] === 'hey' || words[0]?.endsWith('/hey') === true);
}

export function parseHeyCommand(command: string): HeyParse {
	const words = splitShellWords(command.trim());
	if (!words || !isHeyCommand(command)) return {ok: false, error: `not a plain hey command: ${command}`};

	const values = new Map<string, string>();
	const headerLines: string[] = [];
	const bools = new Set<string>();
	let index = 1;
	// Go's flag package: flags come first, `-f v`, `-f=v` or `--f v`, and stop at the first argument.
	for (; index < words.length; index++) {
		const word = words[index]!;
		if (word === '--') {
			index++;
			break;
		}
		if (!word.startsWith('-') || word === '-') break;
		const [rawName = '', inline] = splitOnce(word.replace(/^--?/, ''), '=');
		if (boolFlags.has(rawName)) {
			if (inline !== undefined && !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(inline)) {
				return {ok: false, error: `invalid boolean value "${inline}" for -${rawName}`};
			}
			bools.add(rawName);
			continue;
		}
		if (!valueFlags.has(rawName)) return {ok: false, error: `flag provided but not defined: -${rawName}`};
		const value = inline ?? words[++index];
		if (value === undefined) return {ok: false, error: `flag needs an argument: -${rawName}`};
		if (rawName === 'H') headerLines.push(value);
		else values.set(rawName, value);
	}
	const url = words[index];
	if (url === undefined) return {ok: false, error: 'missing URL'};
	if (values.has('x')) return {ok: false, error: 'the embedded hey does not support -x (proxy)'};
	if (values.has('D')) return {ok: false, error: 'the embedded hey does not support -D (body file)'};

	const integer = (name: string, fallback: number): number | string => {
		const text = values.get(name);
		if (text === undefined) return fallback;
		return /^[+-]?\d+$/.test(text) ? Number(text) : `invalid value "${text}" for flag -${name}: parse error`;
	};
	const requests = integer('n', 200);
	const concurrency = integer('c', 50);
	const timeoutSeconds = integer('t', 20);
	if (typeof requests === 'string') return {ok: false, error: requests};
	if (typeof concurrency === 'string') return {ok: false, error: concurrency};
	if (typeof timeoutSeconds === 'string') return {ok: false, error: timeoutSeconds};
	const qpsText = values.get('q') ?? '0';
	const qps = Number(qpsText);
	if (qpsText.trim() === '' || !Number.isFinite(qps)) return {ok: false, error: `invalid value "${qpsText}" for flag -q: parse error`};

	let durationMs = 0;
	const durationText = values.get('z');
	if (durationText !== undefined) {
		const nanoseconds = parseGoDuration(durationText);
		if (nanoseconds === undefined) return {ok: false, error: `invalid value "${durationText}" for flag -z: time: invalid duration "${durationText}"`};
		durationMs = Math.max(0, nanoseconds / 1e6);
	}
	if (durationMs > 0) {
		if (concurrency <= 0) return {ok: false, error: '-c cannot be smaller than 1.'};
	} else {
		if (requests <= 0 || concurrency <= 0) return {ok: false, error: '-n and -c cannot be smaller than 1.'};
		if (requests < concurrency) return {ok: false, error: '-n cannot be less than -c.'};
	}

	let parsedUrl: URL;
	try {
		parsedUrl = new URL(url);
	} catch {
		return {ok: false, error: `parse "${url}": invalid URI for request`};
	}
	if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') return {ok: false, error: `unsupported protocol scheme "${parsedUrl.protocol.replace(':', '')}"`};

	const headers: Record<string, string> = {'content-type': values.get('T') ?? 'text/html'};
	for (const line of headerLines) {
		const match = /^([\w-]+):\s*(.+)$/.exec(line);
		if (!match) return {ok: false, error: `could not parse the provided input; input = ${line}`};
		headers[match[1]!.toLowerCase()] = match[2]!;
	}
	if (values.has('A')) headers['accept'] = values.get('A')!;
	const auth = values.get('a');
	if (auth !== undefined) {
		if (!/^.+:.*$/.test(auth)) return {ok: false, error: `could not parse the provided input; input = ${auth}`};
		headers['authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
	}
	if (values.has('host')) headers['host'] = values.get('host')!;
	headers['user-agent'] = headers['user-agent'] ? `${headers['user-agent']} ${heyAgent}` : heyAgent;

	const body = values.get('d');
	return {
		ok: true,
		options: {
			url,
			method: (values.get('m') ?? 'GET').toUpperCase(),
			headers,
			...(body === undefined ? {} : {body}),
			requests,
			concurrency,
			qps: Math.max(0, qps),
			durationMs,
			timeoutMs: Math.max(0, timeoutSeconds) * 1000,
			disableKeepAlive: bools.has('disable-keepalive'),
		},
	};
}

export async function runHey(options: HeyOptions, context: HeyContext): Promise<HeySummary> {
	const {clock, directory, signal} = context;
	const url = new URL(options.url);
	const path = `${url.pathname}${url.search}`;
	const agent = new Agent({keepAlive: !options.disableKeepAlive, maxSockets: options.concurrency});
	const summary: HeySummary = {requests: 0, responses: {}, errors: 0};
	const inFlight = new Set<() => void>();
	const sleepers = new Set<() => void>();
	let stopped = false;

	const stop = (abortRequests: boolean) => {
		stopped = true;
		for (const wake of sleepers) wake();
		if (abortRequests) for (const abort of inFlight) abort();
	};
	const onAbort = () => stop(true);
	if (signal?.aborted) stopped = true;
	signal?.addEventListener('abort', onAbort, {once: true});
	const deadline = options.durationMs > 0 ? clock.setTimeout(() => stop(false), options.durationMs) : undefined;

	const sleepUntil = (at: number) =>
		new Promise<void>(resolve => {
			const wait = at - clock.now();
			if (wait <= 0 || stopped) {
				resolve();
				return;
			}
			const wake = () => {
				timer.cancel();
				sleepers.delete(wake);
				resolve();
			};
			const timer = clock.setTimeout(wake, wait);
			sleepers.add(wake);
		});

	const sendOne = () =>
		new Promise<void>(resolve => {
			let settled = false;
			let timeout: Timer | undefined;
			let abort = () => {};
			const finish = (code?: number) => {
				if (settled) return;
				settled = true;
				timeout?.cancel();
				inFlight.delete(abort);
				summary.requests++;
				if (code === undefined) summary.errors++;
				else summary.responses[code] = (summary.responses[code] ?? 0) + 1;
				resolve();
			};
			const target = resolveTarget(url, directory);
			if (!target) {
				// An unknown host fails at once, like a DNS error; pausing about 10 real ms keeps
				// the workers from spinning.
				const pause = clock.setTimeout(() => finish(), 10 * clock.speed);
				abort = () => {
					pause.cancel();
					finish();
				};
				inFlight.add(abort);
				return;
			}
			const req = request({host: target.host, port: target.port, method: options.method, path, headers: {host: url.host, ...options.headers}, agent});
			abort = () => req.destroy();
			inFlight.add(abort);
			if (options.timeoutMs > 0) timeout = clock.setTimeout(abort, options.timeoutMs);
			req.on('response', res => {
				res.on('error', () => finish());
				res.on('end', () => finish(res.statusCode));
				res.resume();
			});
			req.on('error', () => finish());
			req.end(options.body);
		});

	const worker = async () => {
		const limit = options.durationMs > 0 ? Infinity : Math.floor(options.requests / options.concurrency);
		const interval = options.qps > 0 ? 1000 / options.qps : 0;
		let tick = clock.now();
		for (let sent = 0; sent < limit && !stopped; sent++) {
			if (interval > 0) {
				await sleepUntil(tick);
				if (stopped) break;
			}
			await sendOne();
			// The rate holds on average: at high speeds a few real ms of overhead make requests
			// late in virtual time, so late ticks are caught up rather than dropped as Go's
			// ticker would, up to five virtual seconds behind.
			tick = Math.max(tick + interval, clock.now() - 5000);
		}
	};

	try {
		await Promise.all(Array.from({length: options.concurrency}, worker));
	} finally {
		deadline?.cancel();
		signal?.removeEventListener('abort', onAbort);
		agent.destroy();
	}
	return summary;
}

/** hey-like report, for logs and `returnCmdOutput`. */
export function formatHeySummary(summary: HeySummary, elapsedMs: number): string {
	const seconds = elapsedMs / 1000;
	const lines = ['', 'Summary:', `  Total:\t${seconds.toFixed(4)} secs`, `  Requests/sec:\t${(seconds > 0 ? summary.requests / seconds : 0).toFixed(4)}`, ''];
	const codes = Object.entries(summary.responses);
	if (codes.length > 0) {
		lines.push('Status code distribution:');
		for (const [code, count] of codes) lines.push(`  [${code}]\t${count} responses`);
		lines.push('');
	}
	if (summary.errors > 0) lines.push('Error distribution:', `  [${summary.errors}]\terrors`, '');
	return lines.join('\n');
}

function resolveTarget(url: URL, directory: Directory): Address | undefined {
	const resolved = directory.resolve(url.host);
	if (resolved) return resolved;
	if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return {host: '127.0.0.1', port: Number(url.port || 80)};
	return undefined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
	const at = text.indexOf(separator);
	return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
