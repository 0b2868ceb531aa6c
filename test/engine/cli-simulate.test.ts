// `canary-tui simulate` end to end (DESIGN.md §4): the built CLI on the seed files, JSON
// lines, exit codes 0/1/2/3 and bad-input messages that name the file and the field.
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {copyFile, cp, mkdtemp, rm, symlink} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {engineFixturesDir, podinfoDir} from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let buildDir = '';
let cli = '';
const exec = promisify(execFile);

type Run = {code: number; stdout: string; stderr: string; lines: string[]};

async function simulate(...args: string[]): Promise<Run> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, 'simulate', ...args], {cwd: root, timeout: 30_000});
		return {code: 0, stdout, stderr, lines: lines(stdout)};
	} catch (error) {
		const failed = error as {code?: number; stdout: string; stderr: string; killed?: boolean};
		if (typeof failed.code !== 'number') throw error;
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr, lines: lines(failed.stdout)};
	}
}

// Several CLI processes run at once on small machines: give each test room.
vi.setConfig({testTimeout: 40_000});

const lines = (text: string) => text.split('\n').filter(line => line !== '');
const podinfo = (name: string) => join(podinfoDir, name);
const fixture = (name: string) => join(engineFixturesDir, name);

// The project's own build script (what `npm run build` runs), pointed at a private folder:
// the bundle is built from the current source, and other test files reading dist/cli.js
// never see it half-written.
beforeAll(async () => {
	buildDir = await mkdtemp(join(tmpdir(), 'canary-tui-cli-test-'));
	await cp(join(root, 'scripts'), join(buildDir, 'scripts'), {recursive: true});
	await copyFile(join(root, 'package.json'), join(buildDir, 'package.json'));
	await symlink(join(root, 'source'), join(buildDir, 'source'));
	await symlink(join(root, 'node_modules'), join(buildDir, 'node_modules'));
	await exec(process.execPath, [join(buildDir, 'scripts/build.mjs')], {cwd: buildDir, timeout: 60_000});
	cli = join(buildDir, 'dist/cli.js');
	expect(existsSync(cli)).toBe(true);
}, 90_000);

afterAll(async () => {
	if (buildDir) await rm(buildDir, {recursive: true, force: true});
});

const seedPromotionLog = [
	'New revision detected! Scaling up podinfo.apps',
	'Starting canary analysis for podinfo.apps',
	'Pre-rollout check acceptance-test passed',
	'Advance podinfo.apps canary weight 5',
	'Advance podinfo.apps canary weight 10',
	'Advance podinfo.apps canary weight 15',
	'Advance podinfo.apps canary weight 20',
	'Advance podinfo.apps canary weight 25',
	'Advance podinfo.apps canary weight 30',
	'Advance podinfo.apps canary weight 35',
	'Advance podinfo.apps canary weight 40',
	'Advance podinfo.apps canary weight 45',
	'Advance podinfo.apps canary weight 50',
	'Copying podinfo.apps template spec to podinfo-primary.apps',
	'Routing all traffic to primary',
	'Promotion completed! Scaling down podinfo.apps',
];

const seedRollbackTail = [
	'Advance podinfo.apps canary iteration 2/10',
	'Halt podinfo.apps advancement success rate 98.82% < 99%',
	'Halt podinfo.apps advancement success rate 97.93% < 99%',
	'Halt podinfo.apps advancement success rate 97.51% < 99%',
	'Halt podinfo.apps advancement success rate 98.08% < 99%',
	'Halt podinfo.apps advancement success rate 96.88% < 99%',
	'Rolling back podinfo.apps failed checks threshold reached 5',
	'Canary failed! Scaling down podinfo.apps',
];

type JsonLine = {ts: string; level: string; msg: string; canary: string; phase: string; weight: number; failedChecks: number; iterations: number};

describe.concurrent('simulate: success (exit 0)', () => {
	it('prints the seed promotion log for canary.yaml, taking namespace apps from kustomization.yaml, and finishes', async () => {
		const run = await simulate(podinfo('canary.yaml'));
		expect(run.code).toBe(0);
		expect(run.lines).toEqual(seedPromotionLog);
	});

	it('-n NS sets the namespace', async () => {
		const run = await simulate(podinfo('canary.yaml'), '-n', 'staging');
		expect(run.code).toBe(0);
		expect(run.lines[0]).toBe('New revision detected! Scaling up podinfo.staging');
		expect(run.lines).toContain('Advance podinfo.staging canary weight 5');
	});

	it('abtest.yaml runs iterations 1/10..10/10 and promotes', async () => {
		const run = await simulate(podinfo('abtest.yaml'), '-n', 'apps');
		expect(run.code).toBe(0);
		expect(run.lines).toEqual([
			'New revision detected! Scaling up podinfo.apps',
			'Starting canary analysis for podinfo.apps',
			'Pre-rollout check acceptance-test passed',
			...Array.from({length: 10}, (_, i) => `Advance podinfo.apps canary iteration ${i + 1}/10`),
			'Copying podinfo.apps template spec to podinfo-primary.apps',
			'Routing all traffic to primary',
			'Promotion completed! Scaling down podinfo.apps',
		]);
	});

	it('a gate that opens after fail:N succeeds', async () => {
		const run = await simulate(fixture('gated.yaml'), '-n', 'apps', '--webhook', 'gate=fail:2');
		expect(run.code).toBe(0);
		expect(run.lines.slice(0, 3)).toEqual([
			'Halt podinfo.apps advancement waiting for approval gate',
			'Confirm-rollout check gate passed',
			'New revision detected! Scaling up podinfo.apps',
		]);
	});
});

describe.concurrent('simulate: choosing the canary and the mesh provider', () => {
	it('a file with two canaries needs --name', async () => {
		const both = await simulate(fixture('two-canaries.yaml'), '-n', 'apps');
		expect(both.code).toBe(2);
		expect(both.stderr).toContain('two-canaries.yaml');
		expect(both.stderr).toContain('--name');
		const one = await simulate(fixture('two-canaries.yaml'), '-n', 'apps', '--name', 'backend');
		expect(one.code).toBe(0);
		expect(one.lines[0]).toBe('New revision detected! Scaling up backend.apps');
	});

	it('--mesh-provider stands in for a missing spec.provider (metric provider in no-data messages)', async () => {
		const run = await simulate(fixture('two-canaries.yaml'), '-n', 'apps', '--name', 'backend', '--mesh-provider', 'linkerd', '--trace', fixture('no-data.csv'));
		expect(run.code).toBe(1);
		expect(run.lines).toContain(
			'Halt advancement no values found for linkerd metric request-success-rate probably backend.apps is not receiving traffic: running query failed: no values found',
		);
	});
});

describe.concurrent('simulate --output json', () => {
	it('carries ts, level, msg, canary, phase, weight, failedChecks, iterations; .msg equals the text output', async () => {
		const [text, json] = await Promise.all([simulate(podinfo('canary.yaml')), simulate(podinfo('canary.yaml'), '--output', 'json')]);
		expect(json.code).toBe(0);
		const parsed = json.lines.map(line => JSON.parse(line) as JsonLine);
		for (const line of parsed) {
			expect(Object.keys(line)).toEqual(expect.arrayContaining(['ts', 'level', 'msg', 'canary', 'phase', 'weight', 'failedChecks', 'iterations']));
			expect(line.canary).toBe('podinfo.apps');
			expect(line.level).toBe('info');
			expect(Number.isNaN(Date.parse(line.ts))).toBe(false);
		}
		expect(parsed.map(line => line.msg)).toEqual(text.lines);
		expect(parsed.find(line => line.msg === 'Advance podinfo.apps canary weight 25')).toMatchObject({phase: 'Progressing', weight: 25, failedChecks: 0});
	});

	it('--start sets t=0 of the timestamps; ticks are 15s apart', async () => {
		const run = await simulate(podinfo('canary.yaml'), '--output', 'json', '--start', '2020-11-14T12:03:39Z');
		const parsed = run.lines.map(line => JSON.parse(line) as JsonLine);
		const at = (msg: string) => Date.parse(parsed.find(line => line.msg === msg)!.ts);
		const t0 = Date.parse('2020-11-14T12:03:39Z');
		expect(at('New revision detected! Scaling up podinfo.apps')).toBe(t0);
		expect(at('Advance podinfo.apps canary weight 5')).toBe(t0 + 15_000);
		expect(at('Promotion completed! Scaling down podinfo.apps')).toBe(t0 + 13 * 15_000);
	});

	it('the rollback run: warnings are logged at info level, failedChecks count up', async () => {
		const [text, json] = await Promise.all([
			simulate(podinfo('abtest.yaml'), '-n', 'apps', '--trace', fixture('seed-rollback.csv')),
			simulate(podinfo('abtest.yaml'), '-n', 'apps', '--trace', fixture('seed-rollback.csv'), '--output', 'json'),
		]);
		expect(json.code).toBe(1);
		const parsed = json.lines.map(line => JSON.parse(line) as JsonLine);
		expect(parsed.map(line => line.msg)).toEqual(text.lines);
		expect(parsed.every(line => line.level === 'info')).toBe(true);
		expect(parsed.find(line => line.msg.startsWith('Rolling back'))).toMatchObject({failedChecks: 5});
		expect(parsed.find(line => line.msg.startsWith('Advance podinfo.apps canary iteration 2/10'))).toMatchObject({iterations: 2});
	});
});

describe.concurrent('simulate: failure (exit 1)', () => {
	it('the seed automated rollback', async () => {
		const run = await simulate(podinfo('abtest.yaml'), '-n', 'apps', '--trace', fixture('seed-rollback.csv'));
		expect(run.code).toBe(1);
		expect(run.lines.slice(run.lines.indexOf(seedRollbackTail[0]!))).toEqual(seedRollbackTail);
	});

	it('a pre-rollout hook that always fails', async () => {
		const run = await simulate(podinfo('canary.yaml'), '--webhook', 'acceptance-test=fail');
		expect(run.code).toBe(1);
		expect(run.lines.at(-1)).toBe('Canary failed! Scaling down podinfo.apps');
		expect(run.lines).toContain(
			'Halt podinfo.apps advancement pre-rollout check acceptance-test failed POST http://flagger-loadtester.apps/ giving up after 1 attempt(s): unexpected HTTP status 500 Internal Server Error',
		);
	});
});

describe.concurrent('simulate: no terminal phase within 24h (exit 3)', () => {
	it('a suspended canary', async () => {
		const run = await simulate(fixture('suspended.yaml'), '-n', 'apps');
		expect(run.code).toBe(3);
		expect(run.lines.length).toBeGreaterThan(1000);
		expect(new Set(run.lines)).toEqual(new Set(['skipping canary run as object is suspended']));
	});

	it('a confirm-rollout gate that never opens', async () => {
		const run = await simulate(fixture('gated.yaml'), '-n', 'apps', '--webhook', 'gate=fail');
		expect(run.code).toBe(3);
		expect(run.lines).toEqual(['Halt podinfo.apps advancement waiting for approval gate']);
	});
});

describe.concurrent('simulate: bad input (exit 2)', () => {
	const bad = async (...args: string[]) => {
		const run = await simulate(...args);
		expect(run.code).toBe(2);
		expect(run.stdout).toBe('');
		return run.stderr;
	};

	it('an invalid canary names the file and the field', async () => {
		const stderr = await bad(fixture('invalid-interval.yaml'));
		expect(stderr).toContain('invalid-interval.yaml');
		expect(stderr).toContain('spec.analysis.interval');
	});

	it('a bad trace cell names the file, the line and the column', async () => {
		const stderr = await bad(podinfo('canary.yaml'), '--trace', fixture('bad-cell.csv'));
		expect(stderr).toContain('bad-cell.csv');
		expect(stderr).toContain(':3');
		expect(stderr).toContain('request-success-rate');
		expect(stderr).toContain('ninety-nine');
	});

	it('an unknown webhook name in --webhook names the flag and spec.analysis.webhooks', async () => {
		const stderr = await bad(podinfo('canary.yaml'), '--webhook', 'nope=fail');
		expect(stderr).toContain('nope');
		expect(stderr).toContain('spec.analysis.webhooks');
	});

	it('a malformed --webhook result', async () => {
		const stderr = await bad(podinfo('canary.yaml'), '--webhook', 'acceptance-test=maybe');
		expect(stderr).toContain('--webhook');
		expect(stderr).toContain('acceptance-test=maybe');
	});

	it('a bad --output', async () => {
		const stderr = await bad(podinfo('canary.yaml'), '--output', 'yaml');
		expect(stderr).toContain('--output');
		expect(stderr).toContain('yaml');
	});

	it('a missing canary file', async () => {
		const stderr = await bad(fixture('does-not-exist.yaml'));
		expect(stderr).toContain('does-not-exist.yaml');
	});

	it('a missing trace file', async () => {
		const stderr = await bad(podinfo('canary.yaml'), '--trace', fixture('missing.csv'));
		expect(stderr).toContain('missing.csv');
	});

	it('a file without a Canary', async () => {
		const stderr = await bad(podinfo('deployment.yaml'));
		expect(stderr).toContain('deployment.yaml');
	});

	it('no file at all', async () => {
		await bad();
	});
});
