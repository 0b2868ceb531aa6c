// A real Prometheus for the suites: the `prometheus` binary (Debian's package) on a free
// 127.0.0.1 port with a throwaway TSDB folder and a generated config, stopped by its PID.
// Absent binary: a loud skip, or a failure when CANARY_TUI_PROMETHEUS=1 (as .ci/run sets).
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath, freePort, removeDir, repoRoot, sleep, tempDir, waitUntil} from '../e2e/helpers.js';

export const required = process.env['CANARY_TUI_PROMETHEUS'] === '1';
export const installHint = 'sudo apt-get install -y prometheus   (Debian/Ubuntu; or put a prometheus binary on PATH, or set PROMETHEUS_BIN)';

/** The binary: $PROMETHEUS_BIN, else `prometheus` on PATH, else Debian's /usr/bin/prometheus. */
export function findPrometheus(): {path?: string; reason?: string} {
	const explicit = process.env['PROMETHEUS_BIN'];
	if (explicit) return existsSync(explicit) ? {path: explicit} : {reason: `PROMETHEUS_BIN=${explicit} does not exist`};
	const candidates = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map(dir => join(dir, 'prometheus'));
	const path = [...candidates, '/usr/bin/prometheus'].find(file => existsSync(file));
	if (!path) return {reason: 'no prometheus binary on PATH'};
	const version = spawnSync(path, ['--version'], {encoding: 'utf8', timeout: 10_000});
	if (version.status !== 0) return {reason: `${path} --version failed: ${(version.stderr || version.error?.message || '').trim()}`};
	return {path};
}

/**
 * The binary for a suite, decided while the suite is declared so a skip shows in the report:
 * when absent, a banner, and with CANARY_TUI_PROMETHEUS=1 a failing test naming the install command.
 */
export function prometheusFor(suite: string): string | undefined {
	const found = findPrometheus();
	if (found.path) return found.path;
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  ${required ? 'FAILING' : 'SKIPPING'} ${suite}: ${found.reason}\n!!  Install it:  ${installHint}\n${bar}`);
	if (required) {
		describe(`${suite}: Prometheus (required by CANARY_TUI_PROMETHEUS=1)`, () => {
			it('is installed', () => expect.fail(`${found.reason}; install it: ${installHint}`));
		});
	}
	return undefined;
}

/** What `canary-tui demo --print-prometheus-config` prints for the port and speed (the built CLI). */
export function printedScrapeConfig(port: number, speed: number): string {
	const printed = spawnSync(process.execPath, [cliPath, 'demo', '--print-prometheus-config', '--port', String(port), '--speed', String(speed)], {cwd: repoRoot, encoding: 'utf8', timeout: 30_000});
	if (printed.status !== 0) throw new Error(`demo --print-prometheus-config exited with ${printed.status}: ${printed.stderr}`);
	return printed.stdout;
}

export type PrometheusServer = {
	url: string;
	pid: number;
	/** Instant query (`/api/v1/query`) at the server's now; the first sample's value, or undefined for an empty vector. */
	query(promql: string): Promise<number | undefined>;
	/** Instant queries Prometheus answered with 200, from its own /metrics. */
	queriesAnswered(): Promise<number>;
	/** True once every target of `job` reported up = 1. */
	targetsUp(job: string): Promise<boolean>;
	/** Everything Prometheus wrote to stderr, for failure messages. */
	log(): string;
	stop(): Promise<void>;
};

/** Stops a child by PID: SIGTERM, then SIGKILL if it lingers past `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	process.kill(child.pid!, 'SIGTERM');
	const deadline = performance.now() + graceMs;
	while (child.exitCode === null && child.signalCode === null && performance.now() < deadline) await Promise.race([exited, sleep(100)]);
	if (child.exitCode === null && child.signalCode === null) {
		process.kill(child.pid!, 'SIGKILL');
		await exited;
	}
}

/**
 * Starts Prometheus with `config` (a prometheus.yml text) and waits for `/-/ready`. The TSDB
 * folder and config live in one temp folder removed by `stop()`.
 */
export async function startPrometheus(binary: string, config: string, readyTimeoutMs = 30_000): Promise<PrometheusServer> {
	const dir = await tempDir('prometheus');
	const configFile = join(dir, 'prometheus.yml');
	await writeFile(configFile, config);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(
		binary,
		[
			`--config.file=${configFile}`,
			`--storage.tsdb.path=${join(dir, 'data')}`,
			`--web.listen-address=127.0.0.1:${port}`,
			'--storage.tsdb.retention.time=1h',
			'--log.level=warn',
		],
		{cwd: dir, stdio: ['ignore', 'ignore', 'pipe']},
	);
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
	const spawned = new Promise<void>((resolve, reject) => {
		child.once('spawn', resolve);
		child.once('error', reject);
	});
	const server: PrometheusServer = {
		url,
		pid: 0,
		async query(promql) {
			const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({query: promql})}`, {signal: AbortSignal.timeout(5000)});
			const body = (await response.json()) as {status: string; error?: string; data?: {resultType: string; result: unknown}};
			if (body.status !== 'success') throw new Error(`Prometheus query ${promql}: ${body.error}`);
			const result = body.data!.result;
			if (body.data!.resultType === 'scalar') return Number((result as [number, string])[1]);
			const vector = result as Array<{value: [number, string]}>;
			return vector.length ? Number(vector[0]!.value[1]) : undefined;
		},
		async queriesAnswered() {
			const text = await (await fetch(`${url}/metrics`, {signal: AbortSignal.timeout(5000)})).text();
			const line = text.split('\n').find(l => l.startsWith('prometheus_http_requests_total{') && l.includes('code="200"') && l.includes('handler="/api/v1/query"'));
			return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
		},
		async targetsUp(job) {
			const up = await server.query(`min(up{job="${job}"})`);
			return up === 1;
		},
		log: () => stderr,
		async stop() {
			await stopChild(child);
			await removeDir(dir);
		},
	};
	try {
		await spawned;
		server.pid = child.pid!;
		await waitUntil(
			async () => {
				if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${stderr}`);
				const ready = await fetch(`${url}/-/ready`, {signal: AbortSignal.timeout(1000)}).catch(() => undefined);
				return ready?.status === 200;
			},
			readyTimeoutMs,
			() => `Prometheus at ${url} to be ready (/-/ready)\n${stderr}`,
			100,
		);
	} catch (error) {
		await server.stop();
		throw error;
	}
	return server;
}
