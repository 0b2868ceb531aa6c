// `canary-tui demo --script seed`: the seed document lived end to end by the built CLI — three
// releases on real HTTP, the JSON log checked by the seed-story script, and `curl $URL` (and a
// Chrome user) polled through the gateway the whole time.
import {spawnSync} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, freePort, get, podinfo, removeDir, repoRoot, sleep, startCli, tempDir, userAgents, type CliRun} from './helpers.js';

type Sample = {at: number; status: number; version?: string; hostname?: string; error?: string};

let workDir: string;
let logFile: string;
let run: CliRun | undefined;
let result: {code: number | null; signal: NodeJS.Signals | null; ms: number};
let port: number;
const seen: Record<'curl' | 'chrome', Sample[]> = {curl: [], chrome: []};

/** GET / with one user agent, every ~40 ms, until `done()`; answers after `done()` are dropped. */
async function poll(url: string, userAgent: string, into: Sample[], done: () => boolean): Promise<void> {
	while (!done()) {
		const at = performance.now();
		let sample: Sample;
		try {
			const answer = await get(url, {'user-agent': userAgent, accept: '*/*'}, 5000);
			const body = podinfo(answer);
			sample = {at, status: answer.status, version: body?.version, hostname: body?.hostname};
		} catch (error) {
			sample = {at, status: 0, error: (error as Error).message};
		}
		if (done()) break;
		into.push(sample);
		await sleep(40);
	}
}

beforeAll(async () => {
	await ensureBuilt();
	workDir = await tempDir('seed');
	logFile = join(workDir, 'seed.jsonl');
	port = await freePort();
	const fd = openSync(logFile, 'w');
	try {
		// TMPDIR: the demo writes the seed's manifests to a fresh temp folder; keep it in ours.
		run = startCli(['demo', '--script', 'seed', '--speed', '20', '-o', 'json', '--port', String(port)], {stdoutFd: fd, env: {TMPDIR: workDir}});
	} finally {
		closeSync(fd); // the child has its own copy
	}
	let finished = false;
	void run.exited.then(() => (finished = true));
	// In JSON mode the notices (export URL=...) go to stderr; stdout carries only JSON lines.
	await run.waitForOutput(/export URL=(\S+)/, 20_000);
	const url = `http://127.0.0.1:${port}`;
	const pollers = [poll(url, userAgents.curl, seen.curl, () => finished), poll(url, userAgents.chrome, seen.chrome, () => finished)];
	result = await run.exited;
	await Promise.all(pollers);
}, 180_000);

afterAll(async () => {
	run?.kill();
	await removeDir(workDir);
});

const versions = (samples: Sample[]) => samples.flatMap(s => (s.version ? [s.version] : []));
const firstAppearances = (list: string[]) => [...new Set(list)];

function describeSamples(samples: Sample[]): string {
	// Runs of equal answers: "5.0.0 x12, 503 x1, 5.0.1 x3, ..."
	const runs: Array<[string, number]> = [];
	for (const s of samples) {
		const label = s.version ?? (s.status ? String(s.status) : `error (${s.error})`);
		const last = runs.at(-1);
		if (last && last[0] === label) last[1]++;
		else runs.push([label, 1]);
	}
	return runs.map(([label, n]) => `${label} x${n}`).join(', ');
}

describe('canary-tui demo --script seed --speed 20 -o json', () => {
	it('exits 0 and says the seed story was reproduced', () => {
		expect(result, run?.stderr()).toMatchObject({code: 0, signal: null});
		expect(run!.stderr()).toContain(`export URL=http://127.0.0.1:${port}`);
		expect(run!.stderr()).toContain('seed story reproduced: promoted, promoted, rolled back');
	});

	it('prints only JSON lines on stdout, each with ts, level, msg, canary, phase, weight, failedChecks, iterations', () => {
		const lines = readFileSync(logFile, 'utf8').split('\n').filter(line => line !== '');
		expect(lines.length).toBeGreaterThan(40);
		for (const line of lines) {
			let entry: Record<string, unknown>;
			try {
				entry = JSON.parse(line) as Record<string, unknown>;
			} catch {
				throw new Error(`stdout line is not JSON: ${line}`);
			}
			expect(entry, line).toEqual(
				expect.objectContaining({
					ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
					level: expect.any(String),
					msg: expect.any(String),
					canary: 'podinfo.apps',
					phase: expect.any(String),
					weight: expect.any(Number),
					failedChecks: expect.any(Number),
					iterations: expect.any(Number),
				}),
			);
		}
	});

	it('passes test/e2e/seed-story.py: 5.0.1 promoted, 5.0.2 promoted by A/B test, 5.0.3 rolled back', () => {
		const check = spawnSync('python3', [join(repoRoot, 'test', 'e2e', 'seed-story.py'), logFile], {encoding: 'utf8'});
		expect(check.error).toBeUndefined();
		expect(check.stdout + check.stderr).toMatch(/seed story reproduced/);
		expect(check.status, check.stdout + check.stderr).toBe(0);
	});

	it('curl $URL shows 5.0.0, then 5.0.1, then 5.0.2 (5.0.3 only during the last A/B run), and 5.0.2 after the rollback', () => {
		const curl = versions(seen.curl);
		const story = describeSamples(seen.curl);
		expect(curl.length, story).toBeGreaterThan(100);
		// curl matches the A/B rule, so it reaches the 5.0.3 canary while that analysis runs.
		expect(firstAppearances(curl), story).toEqual(['5.0.0', '5.0.1', '5.0.2', '5.0.3']);
		// From the A/B test of 5.0.2 on, curl is on 5.0.2 (canary, then promoted) or the 5.0.3 canary.
		const from502 = curl.slice(curl.indexOf('5.0.2'));
		expect(new Set(from502), story).toEqual(new Set(['5.0.2', '5.0.3']));
		// After the rollback: 5.0.2 again. The script exits as soon as the canary is Failed, so an
		// outside poller rarely gets an answer in between; the script's own `curl $URL` through the
		// gateway (with curl's user agent) right after the rollback is printed to stderr.
		const afterLast503 = curl.slice(curl.lastIndexOf('5.0.3') + 1);
		expect(afterLast503.every(version => version === '5.0.2'), story).toBe(true);
		expect(run!.stderr()).toMatch(/seed: podinfo 5\.0\.3 [^\n]*: Failed \(expected Failed\); curl \$URL → podinfo 5\.0\.2 \(podinfo-primary-/);
	});

	it('a Chrome user is never routed to 5.0.3, and stays on the primary during the A/B test of 5.0.2', () => {
		const chrome = versions(seen.chrome);
		const story = describeSamples(seen.chrome);
		expect(chrome.length, story).toBeGreaterThan(100);
		expect(chrome, story).not.toContain('5.0.3');
		expect(firstAppearances(chrome), story).toEqual(['5.0.0', '5.0.1', '5.0.2']);
		expect(chrome.at(-1), story).toBe('5.0.2');
		// While curl already saw the 5.0.2 canary, Chrome still got 5.0.1 from the primary.
		const curlOn502 = seen.curl.find(s => s.version === '5.0.2')!.at;
		const chromeOn501Later = seen.chrome.filter(s => s.at > curlOn502 && s.version === '5.0.1');
		expect(chromeOn501Later.length, `${story}\ncurl:${describeSamples(seen.curl)}`).toBeGreaterThan(0);
	});

	it('the gateway answers every request from the first answer to the last (no 5xx, no resets)', () => {
		for (const [agent, samples] of Object.entries(seen)) {
			const firstOk = samples.findIndex(s => s.status === 200);
			const lastOk = samples.findLastIndex(s => s.status === 200);
			// Before the pods are ready the gateway says 503 like Envoy; at the end it shuts down.
			const failures = samples.slice(firstOk, lastOk + 1).filter(s => s.status !== 200);
			expect(failures, `${agent}: ${describeSamples(samples)}`).toEqual([]);
		}
	});
});
