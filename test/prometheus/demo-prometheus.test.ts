// `canary-tui demo --prometheus URL` against a real Prometheus: the built CLI prints the scrape
// config, Prometheus scrapes the demo with it, and the seed's releases — 5.0.1 promoted by
// weight, 5.0.2 by A/B test, 5.0.3 rolled back under HTTP 500s — are decided from Prometheus'
// answers to the App Mesh queries. The decisions must be those of the in-process run.
//
// Speeds: the run through Prometheus plays at --speed 10 (~60 s): its 1m windows last 6 s of
// real time, filled by the printed config's 500 ms scrapes (12 samples), and a scrape may take
// up to 500 ms. At --speed 20 (250 ms scrapes) this shared 2-core machine answered /metrics in
// up to 205 ms, Prometheus managed 103 of ~124 scrapes, and one run in four read "no values
// found" at the first check of 5.0.1 — a decision the in-process run does not take. The
// in-process reference, whose decisions do not depend on the speed, plays at --speed 20
// (~30 s): the file takes ~95 s.
import {spawnSync} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, freePort, removeDir, repoRoot, startCli, tempDir, type CliRun} from '../e2e/helpers.js';
import {printedScrapeConfig, prometheusFor, startPrometheus, type PrometheusServer} from './prometheus-server.js';

const speed = 10;
const referenceSpeed = 20;
const binary = prometheusFor('canary-tui demo --prometheus');

type Run = {log: string; stderr: string; code: number | null; ms: number};

/** `demo --script seed -o json` with extra flags; stdout (JSON lines) to a file. */
async function seedRun(workDir: string, name: string, speed: number, flags: string[]): Promise<Run> {
	const log = join(workDir, `${name}.jsonl`);
	const fd = openSync(log, 'w');
	let run: CliRun;
	try {
		run = startCli(['demo', '--script', 'seed', '--speed', String(speed), '-o', 'json', ...flags], {stdoutFd: fd, env: {TMPDIR: workDir}});
	} finally {
		closeSync(fd);
	}
	try {
		const {code, ms} = await run.exited;
		return {log, stderr: run.stderr(), code, ms};
	} finally {
		run.kill();
	}
}

const messages = (run: Run) =>
	readFileSync(run.log, 'utf8')
		.split('\n')
		.filter(line => line.startsWith('{'))
		.map(line => (JSON.parse(line) as {msg: string}).msg);

// What the controller decided, in order, with the measured numbers taken out.
const decision = /^(New revision detected|Starting canary analysis|Pre-rollout check|Advance|Halt|Copying|Routing all traffic|Promotion completed|Rolling back|Canary failed)/;
const decisions = (run: Run) => messages(run).filter(m => decision.test(m)).map(m => m.replace(/success rate [\d.]+% < /, 'success rate N% < ').replace(/request duration [\d.]+ms > /, 'request duration Nms > '));
const successRates = (run: Run) => messages(run).flatMap(m => /success rate ([\d.]+)% < 99%/.exec(m)?.[1] ?? []).map(Number);

describe.skipIf(!binary)(`canary-tui demo --script seed --speed ${speed} --prometheus (a real Prometheus scraping the demo)`, () => {
	let workDir: string | undefined;
	let prometheus: PrometheusServer | undefined;
	let config: string;
	let inProcess: Run;
	let throughPrometheus: Run;
	let port: number;
	let queries: number;
	let scrapes: string;

	beforeAll(async () => {
		await ensureBuilt();
		workDir = await tempDir('prometheus-seed');
		port = await freePort();
		config = printedScrapeConfig(port, speed);
		prometheus = await startPrometheus(binary!, config);
		const before = await prometheus.queriesAnswered();
		throughPrometheus = await seedRun(workDir, 'prometheus', speed, ['--port', String(port), '--prometheus', prometheus.url]);
		queries = (await prometheus.queriesAnswered()) - before;
		const job = `job="canary-tui-demo"`;
		const [total, up, slowest] = await Promise.all([`count_over_time(up{${job}}[10m])`, `sum_over_time(up{${job}}[10m])`, `max_over_time(scrape_duration_seconds{${job}}[10m])`].map(q => prometheus!.query(q)));
		scrapes = `${total} scrapes, ${total! - up!} failed, slowest ${(slowest! * 1000).toFixed(0)} ms`;
		// Prometheus is idle now; the in-process run on another port is the reference.
		inProcess = await seedRun(workDir, 'in-process', referenceSpeed, ['--port', String(await freePort())]);
	}, 170_000);

	afterAll(async () => {
		await prometheus?.stop();
		await removeDir(workDir);
	});

	it('prints a scrape config for the demo port: 500ms scrapes, honor_labels', () => {
		expect(config).toContain(`targets: ['127.0.0.1:${port}']`);
		expect(config).toMatch(/scrape_interval: 500ms/);
		expect(config).toMatch(/honor_labels: true/);
	});

	it('both runs reproduce the seed story (promoted, promoted, rolled back) and exit 0', () => {
		for (const run of [throughPrometheus, inProcess]) {
			expect(run.code, run.stderr).toBe(0);
			expect(run.stderr).toContain('seed story reproduced: promoted, promoted, rolled back');
			const check = spawnSync('python3', [join(repoRoot, 'test', 'e2e', 'seed-story.py'), run.log], {encoding: 'utf8'});
			expect(check.status, check.stdout + check.stderr).toBe(0);
		}
		console.log(`Prometheus scraping the demo: ${scrapes}`);
		console.log(`seed runs: in-process ${(inProcess.ms / 1000).toFixed(1)} s, through Prometheus ${(throughPrometheus.ms / 1000).toFixed(1)} s`);
	});

	it('the analysis read Prometheus: the demo says where, and Prometheus answered its queries', () => {
		expect(throughPrometheus.stderr).toContain(`metrics: Prometheus at ${prometheus!.url}, which must scrape $URL/metrics`);
		// Two builtin metrics per analysis tick, ~30 ticks, plus the provider checks.
		expect(queries).toBeGreaterThan(40);
	});

	it('takes the same decisions, in the same order, as the in-process run', () => {
		const expected = decisions(inProcess);
		expect(expected.filter(m => m.startsWith('Rolling back'))).toHaveLength(1);
		expect(decisions(throughPrometheus)).toEqual(expected);
	});

	it('halts 5.0.3 five times with success rates below 99% read from Prometheus, like the in-process run', () => {
		const fromPrometheus = successRates(throughPrometheus);
		const local = successRates(inProcess);
		console.log(`Halt success rates: through Prometheus ${fromPrometheus.join(', ')}; in-process ${local.join(', ')}`);
		expect(fromPrometheus).toHaveLength(5);
		expect(local).toHaveLength(5);
		for (const rate of [...fromPrometheus, ...local]) {
			expect(rate).toBeGreaterThan(0);
			expect(rate).toBeLessThan(99);
		}
	});
});
