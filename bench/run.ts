// npm run bench: speed and memory figures, each with its method. Prints a table and writes
// bench.json. Nothing here is a pass/fail test; the goals are printed beside the figures.
import {execFileSync, spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {performance} from 'node:perf_hooks';
import {driveSync} from '../source/core/engine/drive.js';
import {tick} from '../source/core/engine/tick.js';
import {loadCanaries} from '../source/core/spec/load-canaries.js';
import type {Canary} from '../source/core/spec/types.js';
import {simulate} from '../source/simulate/simulate.js';
import {parseTrace} from '../source/simulate/trace.js';

type Figure = {name: string; value: number; unit: string; goal?: string; method: string};
const figures: Figure[] = [];
const root = new URL('..', import.meta.url).pathname;
const cli = `${root}dist/cli.js`;

function canaryFrom(file: string): Canary {
	const loaded = loadCanaries(readFileSync(`${root}${file}`, 'utf8'), file, {namespace: 'apps'});
	if (!loaded.canaries[0]) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
	return loaded.canaries[0];
}

function seedStory(): void {
	const canary = canaryFrom('examples/podinfo/canary.yaml');
	const abtest = canaryFrom('examples/podinfo/abtest.yaml');
	const trace = parseTrace(readFileSync(`${root}examples/podinfo/trace-rollback.csv`, 'utf8'), 'trace').trace!;
	const runs = 50;
	const start = performance.now();
	for (let i = 0; i < runs; i++) {
		simulate(canary);
		simulate(abtest);
		simulate(abtest, {trace});
	}
	figures.push({name: "seed's whole story on the virtual clock", value: (performance.now() - start) / runs, unit: 'ms', goal: '< 1000 ms', method: `three simulated releases (canary, A/B, rollback), mean of ${runs} runs in-process`});
}

function engineTick(): void {
	const canary = {...canaryFrom('examples/podinfo/canary.yaml'), status: {phase: 'Progressing' as const, failedChecks: 0, canaryWeight: 25, iterations: 0, lastAppliedSpec: 'b', lastPromotedSpec: 'a', lastTransitionTime: ''}};
	const answer = (op: {op: string; kind?: string}) => {
		if (op.op === 'primaryReady' || op.op === 'canaryReady') return {ready: true};
		if (op.op === 'getRoutes') return {ok: true, primary: 75, canary: 25, mirrored: false};
		if (op.op === 'metric') return {ok: true, value: op.kind === 'request-success-rate' ? 99.9 : 120};
		if (op.op === 'event' || op.op === 'log' || op.op === 'alert') return undefined;
		return {ok: true};
	};
	const runs = 20_000;
	const start = performance.now();
	for (let i = 0; i < runs; i++) driveSync(tick({canary, revision: {hash: 'b'}, now: '2020-11-14T12:03:39Z'}), answer as never);
	figures.push({name: 'engine cost per tick per canary', value: ((performance.now() - start) * 1000) / runs, unit: 'µs', goal: '< 50 µs', method: `a Progressing weighted tick with two metrics and a rollout hook, ${runs} ticks, synchronous answers`});
}

async function freePort(): Promise<number> {
	return new Promise(resolve => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

async function firstFrame(): Promise<void> {
	const times: number[] = [];
	for (let i = 0; i < 5; i++) {
		const port = await freePort();
		const start = performance.now();
		execFileSync(process.execPath, [cli, 'demo', '--once', '--port', String(port)], {stdio: 'ignore', env: {...process.env, COLUMNS: '80', LINES: '24'}});
		times.push(performance.now() - start);
	}
	times.sort((a, b) => a - b);
	figures.push({name: 'process start to first complete frame (demo --once, 80x24)', value: times[2]!, unit: 'ms', goal: '< 400 ms', method: 'median of 5 runs of the bundled CLI, includes starting the local cluster and its listeners and exiting'});
}

/** CPU of a plain-output demo (controller, pods, gateway, load tester, traffic) over 20 s at speed 1. */
async function demoCpu(): Promise<void> {
	const port = await freePort();
	const child = spawn(process.execPath, [cli, 'demo', '-o', 'json', '--port', String(port)], {stdio: 'ignore'});
	await new Promise(resolve => setTimeout(resolve, 5000));
	const ticks = () => {
		const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return Number(stat[11]) + Number(stat[12]);
	};
	const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
	const before = ticks();
	const started = performance.now();
	await new Promise(resolve => setTimeout(resolve, 20_000));
	const cpuSeconds = (ticks() - before) / hz;
	const wall = (performance.now() - started) / 1000;
	child.kill('SIGTERM');
	figures.push({name: 'demo at the default rate (10 req/s + load test), whole process CPU', value: (cpuSeconds / wall) * 100, unit: '% of a core', goal: '< 10 % (traffic + gateway)', method: 'utime+stime from /proc over 20 s of an idle-between-releases demo at --speed 1 (upper bound: also counts the controller and pods)'});
}

function tuiBytes(): void {
	try {
		const measured = JSON.parse(readFileSync(`${root}bench-tui.json`, 'utf8')) as {when: string; scenarios: Array<{name: string; bytesPerSecond: number; goal?: number}>};
		for (const scenario of measured.scenarios) {
			figures.push({name: `terminal bytes/s: ${scenario.name}`, value: scenario.bytesPerSecond, unit: 'B/s', goal: scenario.goal ? `< ${scenario.goal} B/s` : undefined, method: `tmux pipe-pane of the dashboard at 80x24, measured ${measured.when} by npx tsx test/e2e-tui/bytes.ts`});
		}
	} catch {
		figures.push({name: 'terminal bytes/s', value: Number.NaN, unit: 'B/s', method: 'run `npx tsx test/e2e-tui/bytes.ts` first (needs tmux)'});
	}
}

execFileSync(process.execPath, [`${root}scripts/build.mjs`], {stdio: 'inherit'});
seedStory();
engineTick();
await firstFrame();
await demoCpu();
tuiBytes();

const width = Math.max(...figures.map(f => f.name.length));
console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(10)}  unit          goal`);
for (const f of figures) console.log(`${f.name.padEnd(width)}  ${f.value.toFixed(2).padStart(10)}  ${f.unit.padEnd(12)}  ${f.goal ?? ''}`);
writeFileSync(`${root}bench.json`, JSON.stringify({date: new Date().toISOString(), node: process.version, figures}, null, 2) + '\n');
console.log('\nwrote bench.json (each figure with its method)');
