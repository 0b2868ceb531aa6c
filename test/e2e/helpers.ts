// Shared bits of the end-to-end tests: the built CLI as a real process, real HTTP on
// 127.0.0.1, free ports, polling (never long sleeps) and throwaway copies of the seed folder.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, rmSync, statSync} from 'node:fs';
import {cp, mkdtemp, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {request} from 'node:http';
import {connect, createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseDocument} from 'yaml';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = join(repoRoot, 'dist', 'cli.js');
export const fixtureDir = join(repoRoot, 'test', 'fixtures', 'podinfo');

export const userAgents = {
	curl: 'curl/8.5.0',
	chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
	firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
} as const;

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, Math.min(ms, 1000)));

/** Polls `condition` every `everyMs` (at most one second) until it holds or `timeoutMs` passes. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string), everyMs = 25): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		if (await condition()) return;
		if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
		await sleep(Math.min(everyMs, 1000));
	}
}

// ---------------------------------------------------------------------------------------------
// The build

function newestMtime(path: string): number {
	const info = statSync(path);
	if (!info.isDirectory()) return info.mtimeMs;
	let newest = info.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

function isStale(): boolean {
	if (!existsSync(cliPath)) return true;
	const inputs = [join(repoRoot, 'source'), join(repoRoot, 'scripts', 'build.mjs'), join(repoRoot, 'package.json')];
	return Math.max(...inputs.map(newestMtime)) > statSync(cliPath).mtimeMs;
}

/**
 * Builds dist/cli.js when it is missing or older than the sources. Test files may run in
 * parallel workers: a lock directory keeps two builds from writing the bundle at once.
 */
export async function ensureBuilt(): Promise<void> {
	if (!isStale()) return;
	const lock = join(tmpdir(), `canary-tui-e2e-build-${createHash('sha1').update(repoRoot).digest('hex').slice(0, 12)}.lock`);
	const deadline = performance.now() + 60_000;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			// Someone else builds; a lock older than a minute is left over from a crash.
			try {
				if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, {recursive: true, force: true});
			} catch {
				// gone already
			}
			if (performance.now() > deadline) throw new Error(`build lock ${lock} held for over a minute`);
			await sleep(100);
		}
	}
	try {
		if (!isStale()) return;
		const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], {cwd: repoRoot, encoding: 'utf8', timeout: 60_000});
		if (result.status !== 0) throw new Error(`npm run build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
	} finally {
		rmSync(lock, {recursive: true, force: true});
	}
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A port the kernel just handed out on 127.0.0.1 and that is closed again. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export function nothingListens(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = connect({host: '127.0.0.1', port});
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

/** True when we can bind 127.0.0.1:port ourselves (and release it at once). */
export function canBind(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

// ---------------------------------------------------------------------------------------------
// HTTP

export type Answer = {status: number; body: string; headers: Record<string, string | string[] | undefined>};

/** One GET on a fresh connection, like curl. */
export function get(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = request(url, {agent: false, headers}, res => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers}));
			res.on('error', reject);
		});
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end();
	});
}

export type Podinfo = {hostname?: string; version?: string};

export function podinfo(answer: Answer): Podinfo | undefined {
	if (answer.status !== 200) return undefined;
	try {
		return JSON.parse(answer.body) as Podinfo;
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// The CLI as a process

export type CliRun = {
	child: ChildProcess;
	/** stdout so far (empty when stdout goes to a file). */
	stdout(): string;
	stderr(): string;
	/** Resolves on exit with the code (null when killed by a signal) and the real ms it ran. */
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>;
	/** Waits until stdout or stderr matches. */
	waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
	/** SIGKILL if still running (cleanup). */
	kill(): void;
};

export type CliOptions = {
	/** File descriptor for stdout instead of a pipe. */
	stdoutFd?: number;
	env?: Record<string, string>;
};

export function startCli(args: string[], options: CliOptions = {}): CliRun {
	const started = performance.now();
	const child = spawn(process.execPath, [cliPath, ...args], {
		cwd: repoRoot,
		env: {...process.env, NO_COLOR: '1', ...options.env},
		stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>(resolve => {
		child.once('exit', (code, signal) => resolve({code, signal, ms: performance.now() - started}));
	});
	let running = true;
	void exited.then(() => (running = false));
	return {
		child,
		stdout: () => out,
		stderr: () => err,
		exited,
		async waitForOutput(pattern, timeoutMs) {
			let match: RegExpMatchArray | null = null;
			await waitUntil(
				() => {
					match = out.match(pattern) ?? err.match(pattern);
					if (!match && !running) throw new Error(`the CLI exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`);
					return match !== null;
				},
				timeoutMs,
				`output matching ${pattern}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`,
			);
			return match!;
		},
		kill() {
			if (running) child.kill('SIGKILL');
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Folders

/** A private temp folder; remove it with `rm(dir, {recursive: true, force: true})`. */
export function tempDir(prefix: string): Promise<string> {
	return mkdtemp(join(tmpdir(), `canary-tui-e2e-${prefix}-`));
}

/** A copy of test/fixtures/podinfo (the seed's apps/podinfo) in a fresh temp folder. */
export async function copyFixture(parent?: string): Promise<string> {
	const dir = join(parent ?? (await tempDir('podinfo')), 'podinfo');
	await cp(fixtureDir, dir, {recursive: true});
	return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
	if (dir) await rm(dir, {recursive: true, force: true});
}

/** `yq w -i FILE path value`, saved the way editors do: a temporary file renamed over the old one. */
export async function editYaml(file: string, path: Array<string | number>, value: unknown): Promise<void> {
	const document = parseDocument(await readFile(file, 'utf8'));
	document.setIn(path, value);
	await writeAtomically(file, document.toString());
}

export async function writeAtomically(file: string, text: string): Promise<void> {
	await writeFile(`${file}.e2e-tmp`, text);
	await rename(`${file}.e2e-tmp`, file);
}
