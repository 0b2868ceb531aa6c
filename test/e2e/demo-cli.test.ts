// `canary-tui demo` as a command: the exit codes and messages of DESIGN.md §4 for bad input and
// a busy port, an orderly shutdown on SIGTERM / Ctrl-C, and the first line a user sees.
import {readdirSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:http';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {canBind, copyFixture, editYaml, ensureBuilt, freePort, get, nothingListens, podinfo, removeDir, startCli, tempDir, userAgents, waitUntil, type CliRun} from './helpers.js';

let scratch: string;
const runs: CliRun[] = [];
const servers: Server[] = [];
const dirs: string[] = [];

/** A temp folder removed after the test, whatever its outcome. */
async function scratchDir(prefix: string): Promise<string> {
	const dir = await tempDir(prefix);
	dirs.push(dir);
	return dir;
}

beforeAll(async () => {
	await ensureBuilt();
	scratch = await tempDir('cli');
}, 60_000);

afterEach(async () => {
	for (const run of runs.splice(0)) run.kill();
	await Promise.all(servers.splice(0).map(server => new Promise(resolve => server.close(resolve))));
	await Promise.all(dirs.splice(0).map(dir => removeDir(dir)));
});

afterAll(async () => {
	await removeDir(scratch);
});

/** Starts the CLI with TMPDIR in a fresh folder of ours, so what it writes there can be checked. */
async function demo(args: string[]): Promise<{run: CliRun; tmp: string}> {
	const tmp = await scratchDir('cli-tmp');
	const run = startCli(['demo', ...args], {env: {TMPDIR: tmp}});
	runs.push(run);
	return {run, tmp};
}

async function exitWithin(run: CliRun, ms: number) {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`still running after ${ms} ms\nstdout:\n${run.stdout().slice(-1500)}\nstderr:\n${run.stderr().slice(-1500)}`)), ms);
	});
	try {
		return await Promise.race([run.exited, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

describe('canary-tui demo: bad flags exit 2 and name the flag', () => {
	it.each([
		[['--speed', '0'], /--speed\b/],
		[['--speed', '-3'], /--speed\b/],
		[['--script', 'nope'], /--script\b.*nope/],
		[['--output', 'xml'], /--output\b.*xml/],
		[['-o', 'xml'], /--output\b.*xml/],
		[['--port', '70000'], /--port\b.*70000/],
		[['--spede', '3'], /--spede\b/],
	])('demo %j', async (args, message) => {
		const {run, tmp} = await demo(args);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(message);
		expect(run.stdout()).not.toContain('export URL=');
		// Rejected before anything is written: no seed folder left in TMPDIR.
		expect(readdirSync(tmp)).toEqual([]);
	});
});

// An empty --dir makes every run below end at once, whatever happens to the flags.
describe('canary-tui demo: a flag given twice, or without its value, is bad input', () => {
	it.each([
		[['--speed', '2', '--speed', '3'], /--speed\b/],
		[['--port', '8081', '--port', '8082'], /--port\b/],
	])('demo %j exits 2 naming the flag, without a stack trace', async (args, message) => {
		const empty = await scratchDir('cli-twice');
		const {run, tmp} = await demo(['--dir', empty, ...args]);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).not.toMatch(/^\s+at /m);
		expect(run.stderr()).toMatch(message);
	});

	it.each(['--speed', '--port'])('demo %s with no value exits 2 naming the flag (not a silent default)', async flag => {
		const empty = await scratchDir('cli-novalue');
		const {run, tmp} = await demo(['--dir', empty, flag]);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(new RegExp(`${flag}\\b`));
	});
});

describe('canary-tui demo: the gateway port', () => {
	it('a port already in use gives exit 2 quickly, with a message naming the port', async () => {
		const port = await freePort();
		const ours = createServer((_req, res) => res.end('ours'));
		servers.push(ours);
		await new Promise<void>(resolve => ours.listen(port, '127.0.0.1', resolve));

		const {run, tmp} = await demo(['--dir', await copyFixture(scratch), '--port', String(port), '--speed', '10']);
		const {code, ms} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(new RegExp(`port ${port}\\b.*in use`));
		expect(run.stdout()).not.toContain('export URL=');
		expect(ms, 'exits quickly').toBeLessThan(5000);
		// The process is gone, and the port is still ours.
		expect(run.child.exitCode).toBe(2);
		expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('ours');
	});

	it('--dir DIR, text output: the first line is export URL=http://127.0.0.1:<port>, and curl $URL answers podinfo 5.0.0', async () => {
		const dir = await copyFixture(await scratchDir('cli-dir'));
		const port = await freePort();
		const {run, tmp} = await demo(['--dir', dir, '--port', String(port), '--speed', '10', '--output', 'text']);
		await run.waitForOutput(/Initialization done! podinfo\.apps/, 20_000);
		const lines = run.stdout().split('\n');
		expect(lines[0]).toBe(`export URL=http://127.0.0.1:${port}`);
		// With --dir there is no seed folder to announce, nor to write.
		expect(run.stdout()).not.toContain('manifests:');
		expect(readdirSync(tmp)).toEqual([]);
		// Events follow as "HH:MM:SS   message" lines.
		expect(run.stdout()).toMatch(/^\d\d:\d\d:\d\d {3}Initialization done! podinfo\.apps$/m);
		const answer = await get(`http://127.0.0.1:${port}/`, {'user-agent': userAgents.curl});
		expect(answer.status).toBe(200);
		expect(podinfo(answer)).toMatchObject({version: '5.0.0', hostname: expect.stringMatching(/^podinfo-primary-[a-z0-9]+-[a-z0-9]{5}$/)});
		run.child.kill('SIGTERM');
		expect((await exitWithin(run, 5000)).code).toBe(0);
	});

	it('without --dir, the seed folder is written to a fresh temp folder and announced with the commands to try', async () => {
		const port = await freePort();
		const {run, tmp} = await demo(['--port', String(port), '--speed', '10']);
		const [, folder] = await run.waitForOutput(/^manifests: (.+)$/m, 20_000);
		expect(run.stdout().split('\n')[0]).toBe(`export URL=http://127.0.0.1:${port}`);
		expect(folder!.startsWith(tmp)).toBe(true);
		expect(readdirSync(folder!).sort()).toEqual(['abtest.yaml', 'canary.yaml', 'deployment.yaml', 'gateway-route.yaml', 'hpa.yaml', 'kustomization.yaml']);
		expect(run.stdout()).toContain(`${folder}/kustomization.yaml`);
		expect(run.stdout()).toContain('curl $URL/status/500');
		run.child.kill('SIGTERM');
		expect((await exitWithin(run, 5000)).code).toBe(0);
	});
});

describe('canary-tui demo: shutdown', () => {
	it.each(['SIGTERM', 'SIGINT'] as const)('%s to a running demo (--speed 10) exits 0 within a few seconds and frees the gateway port', async signal => {
		const port = await freePort();
		const {run, tmp} = await demo(['--dir', await copyFixture(scratch), '--port', String(port), '--speed', '10']);
		await run.waitForOutput(/export URL=/, 20_000);
		// Let it get busy: pods up, user traffic flowing, the canary initialized.
		await waitUntil(async () => podinfo(await get(`http://127.0.0.1:${port}/`).catch(() => ({status: 0, body: '', headers: {}})))?.version === '5.0.0', 20_000, 'podinfo 5.0.0 through the gateway');
		await run.waitForOutput(/Initialization done!/, 20_000);

		run.child.kill(signal);
		const {code} = await exitWithin(run, 5000);
		expect(code, run.stderr()).toBe(0);
		expect(run.stderr()).toBe('');
		expect(await nothingListens(port)).toBe(true);
		expect(await canBind(port)).toBe(true);
	});
});

describe('canary-tui demo: bad manifests at start', () => {
	it('--dir without a kustomization exits 2 naming the file', async () => {
		const empty = await scratchDir('cli-empty');
		const {run, tmp} = await demo(['--dir', empty, '--port', String(await freePort())]);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(/kustomization\.yaml/);
	});

	it('an invalid canary exits 2 naming the file and the field', async () => {
		const dir = await copyFixture(await scratchDir('cli-bad'));
		await editYaml(join(dir, 'canary.yaml'), ['spec', 'analysis', 'interval'], '1h');
		const port = await freePort();
		const {run, tmp} = await demo(['--dir', dir, '--port', String(port)]);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(/canary\.yaml\b.*spec\.analysis\.interval/);
		expect(await nothingListens(port)).toBe(true);
	});

	it('invalid YAML in kustomization.yaml exits 2 naming the file', async () => {
		const dir = await copyFixture(await scratchDir('cli-yaml'));
		await writeFile(join(dir, 'kustomization.yaml'), 'resources: [canary.yaml\nimages:\n  - name: x\n');
		const {run, tmp} = await demo(['--dir', dir, '--port', String(await freePort())]);
		const {code} = await exitWithin(run, 10_000);
		expect(code, run.stderr()).toBe(2);
		expect(run.stderr()).toMatch(/kustomization\.yaml/);
	});
});
