// The Flagger load tester (0.38, semantics §5.4) on 127.0.0.1: webhook tasks, manual gates
// and rollback gates. `hey` runs natively; other commands run in a real shell with the
// cluster's URLs pointed at the local listeners.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {Clock} from '../../clock.js';
import {formatHeySummary, isHeyCommand, parseHeyCommand, runHey} from './hey.js';
import {closeServer, listenLocal} from './listen.js';
import {runCommand, type CommandResult} from './run-command.js';
import type {Address, Directory} from './types.js';

export type LoadtesterOptions = {
	port?: number;
	clock: Clock;
	directory: Directory;
	/** Per command, virtual ms; default 1h like the load tester's -timeout. */
	commandTimeoutMs?: number;
	log?: (line: string) => void;
};

export type Loadtester = {address: Address; close(): Promise<void>};

type Payload = {name: string; namespace: string; metadata: Record<string, string>};

const hour = 60 * 60 * 1000;
const maxBodyBytes = 1024 * 1024;
const unsupportedTypes = new Set(['helm', 'helmv3', 'kubectl', 'concord', 'ngrinder']);

export async function startLoadtester(options: LoadtesterOptions): Promise<Loadtester> {
	const {clock, directory} = options;
	const log = options.log ?? (() => {});
	const timeoutMs = options.commandTimeoutMs ?? hour;
	const gates = new Set<string>();
	const running = new Set<string>();
	const tasks = new Set<AbortController>();
	let closed = false;

	const execute = async (shell: 'sh' | 'bash', command: string): Promise<CommandResult> => {
		const controller = new AbortController();
		tasks.add(controller);
		if (closed) controller.abort();
		try {
			if (isHeyCommand(command)) return await heyTask(command, controller.signal);
			return await runCommand(shell, rewriteUrls(command, directory), {clock, timeoutMs, signal: controller.signal});
		} finally {
			tasks.delete(controller);
		}
	};

	const heyTask = async (command: string, signal: AbortSignal): Promise<CommandResult> => {
		const parsed = parseHeyCommand(command);
		if (!parsed.ok) return {ok: false, output: `${parsed.error}\n`, error: 'exit status 1'};
		const deadline = new AbortController();
		let timedOut = false;
		const timer = clock.setTimeout(() => {
			timedOut = true;
			deadline.abort();
		}, timeoutMs);
		const started = clock.now();
		try {
			const summary = await runHey(parsed.options, {clock, directory, signal: AbortSignal.any([signal, deadline.signal])});
			if (timedOut || signal.aborted) return {ok: false, output: '', error: 'signal: killed'};
			return {ok: true, output: formatHeySummary(summary, clock.now() - started)};
		} finally {
			timer.cancel();
		}
	};

	const runAsync = (canary: string, command: string, logOutput: boolean) => {
		const key = `${canary}\u0000${command}`;
		if (running.has(key)) {
			log(`command skipped ${command} is already running`);
			return;
		}
		running.add(key);
		log(`command starting ${command}`);
		void execute('sh', command).then(result => {
			running.delete(key);
			if (!result.ok) log(`command failed ${command} ${result.error} ${result.output}`);
			else {
				if (logOutput) log(result.output);
				log(`command finished ${command}`);
			}
		});
	};

	const handleTask = async (req: IncomingMessage, res: ServerResponse) => {
		const payload = parsePayload(await readBody(req));
		if (!payload) return reply(res, 400);
		if (Object.keys(payload.metadata).length === 0) return reply(res, 400, 'metadata not found in payload');
		const {metadata} = payload;
		const type = metadata['type'] ?? 'cmd';
		const canary = `${payload.name}.${payload.namespace}`;
		const command = metadata['cmd'] ?? '';
		if (type === 'bash') {
			log(`bash command ${command}`);
			const result = await execute('bash', command);
			if (!result.ok) {
				log(`command failed ${command} ${result.error} ${result.output}`);
				return reply(res, 500, `command ${command} failed: ${result.output}: ${result.error}`);
			}
			log(`command finished ${command}`);
			return reply(res, 200, parseBool(metadata['returnCmdOutput']) ? result.output : '');
		}
		if (unsupportedTypes.has(type)) return reply(res, 500, `task type ${type} is not available in the embedded load tester`);
		if (type !== 'cmd') return reply(res, 400, `unknown task type ${type}`);
		if (metadata['cmd'] === undefined) return reply(res, 400, 'cmd not found in metadata');
		runAsync(canary, command, parseBool(metadata['logCmdOutput']));
		return reply(res, 202);
	};

	const gate = (prefix: string, action: 'check' | 'open' | 'close') => async (req: IncomingMessage, res: ServerResponse) => {
		const payload = parsePayload(await readBody(req));
		if (!payload) return reply(res, 400);
		const key = `${prefix}${payload.name}.${payload.namespace}`;
		if (action === 'open') gates.add(key);
		if (action === 'close') gates.delete(key);
		if (action !== 'check') {
			log(`${key} ${prefix ? 'rollback' : 'gate'} ${action === 'open' ? 'opened' : 'closed'}`);
			return reply(res, 202);
		}
		const approved = gates.has(key);
		log(`${key} ${prefix ? 'rollback' : 'gate'} check: approved ${approved}`);
		return approved ? reply(res, 200, 'Approved') : reply(res, 403, 'Forbidden');
	};

	const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> = {
		'/healthz': (_req, res) => reply(res, 200, 'OK'),
		'/gate/approve': (_req, res) => reply(res, 200, 'OK'),
		'/gate/halt': (_req, res) => reply(res, 403, 'Forbidden'),
		'/gate/check': gate('', 'check'),
		'/gate/open': gate('', 'open'),
		'/gate/close': gate('', 'close'),
		'/rollback/check': gate('rollback.', 'check'),
		'/rollback/open': gate('rollback.', 'open'),
		'/rollback/close': gate('rollback.', 'close'),
	};

	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
		// Go's ServeMux: every path without its own handler falls through to "/".
		const handler = routes[path] ?? handleTask;
		void Promise.resolve(handler(req, res)).catch(() => {
			if (!res.headersSent) reply(res, 500);
			else res.destroy();
		});
	});

	const address = await listenLocal(server, options.port ?? 0);
	return {
		address,
		async close() {
			closed = true;
			for (const task of tasks) task.abort();
			await closeServer(server);
		},
	};
}

/** Points every http(s)://host[:port] the Directory knows at its local listener. */
export function rewriteUrls(command: string, directory: Directory): string {
	return command.replace(/\bhttps?:\/\/([A-Za-z0-9_.-]+(?::\d+)?)/g, (url, host: string) => {
		const address = directory.resolve(host);
		return address ? `http://${address.host}:${address.port}` : url;
	});
}

/** The webhook payload as Go decodes it; metadata values must be strings. */
function parsePayload(body: string): Payload | undefined {
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const {name, namespace, metadata} = value as Record<string, unknown>;
	if ((name !== undefined && typeof name !== 'string') || (namespace !== undefined && typeof namespace !== 'string')) return undefined;
	const entries = metadata === undefined || metadata === null ? [] : typeof metadata === 'object' && !Array.isArray(metadata) ? Object.entries(metadata) : undefined;
	if (entries === undefined || (entries.some(([, v]) => typeof v !== 'string'))) return undefined;
	return {name: name ?? '', namespace: namespace ?? '', metadata: Object.fromEntries(entries) as Record<string, string>};
}

const parseBool = (text: string | undefined) => text !== undefined && /^(1|t|T|TRUE|true|True)$/.test(text);

function reply(res: ServerResponse, code: number, text = ''): void {
	const headers: Record<string, string | number> = {'Content-Length': Buffer.byteLength(text)};
	if (text) headers['Content-Type'] = 'text/plain; charset=utf-8';
	res.writeHead(code, headers);
	res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBodyBytes) {
				reject(new Error('request body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
