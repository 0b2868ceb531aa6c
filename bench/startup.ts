// Process start to the first complete dashboard frame of `canary-tui demo`, in a real 80x24
// terminal (tmux), and the same for `demo --once` (print the first frame and exit).
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {freePort} from '../test/e2e/helpers.js';
import {repoRoot, TmuxSession, tmuxVersion} from '../test/e2e-tui/tmux.js';
import {below, median, skipped, type Figure} from './figures.js';
import {reapedChildrenCpuSeconds, treeCpuSeconds} from './proc.js';

const cli = join(repoRoot, 'dist/cli.js');
const goalMs = 400;

/** Every part of the first frame is on screen: header, the canary's row, the detail, the keys. */
export const completeFrame = (screen: string) =>
	screen.includes('canary-tui  ctx:') && /^>podinfo +\w+/m.test(screen) && screen.includes('─ events ─') && /q quit\s*$/.test(screen.trimEnd());

/**
 * This machine sets NODE_EXTRA_CA_CERTS, which makes every Node 20 process read and parse 220 KB
 * of certificates before running any code (about 150 ms here; `node -e 0` takes 0.05 s without
 * it, 0.2 s with it). A person's shell usually has no such variable: the headline figure runs
 * without it, and a second one with the machine's environment as it is.
 */
function environment(keepCaCerts: boolean): NodeJS.ProcessEnv {
	const env = {...process.env};
	if (!keepCaCerts) delete env['NODE_EXTRA_CA_CERTS'];
	return env;
}

type Run = {wallMs: number; cpuMs: number};

export async function tmuxFirstFrame(runs: number, keepCaCerts: boolean, cliPath = cli): Promise<Run[]> {
	const times: Run[] = [];
	for (let i = 0; i < runs; i++) {
		const port = await freePort();
		const unset = keepCaCerts ? '' : 'unset NODE_EXTRA_CA_CERTS; ';
		// The pane's shell writes the start time (ns) and then execs node: the clock starts when
		// the process does, not when tmux is asked to start it.
		const session = new TmuxSession(80, 24, `sh -c '${unset}date +%s%N > "$TMPDIR/start.ns"; exec node ${cliPath} demo --port ${port}'`);
		try {
			const pid = Number(session.display('#{pane_pid}'));
			const deadline = performance.now() + 20_000;
			let seen: number | undefined;
			let cpuMs = Number.NaN;
			while (performance.now() < deadline) {
				const screen = session.capture();
				if (completeFrame(screen)) {
					seen = Date.now();
					cpuMs = treeCpuSeconds(pid) * 1000;
					break;
				}
				await new Promise(resolve => setTimeout(resolve, 5));
			}
			if (seen === undefined) throw new Error(`no complete frame within 20 s:\n${session.capture()}`);
			const startedNs = BigInt(readFileSync(join(session.scratch, 'start.ns'), 'utf8').trim());
			times.push({wallMs: seen - Number(startedNs / 1_000_000n), cpuMs});
			session.send('q');
		} finally {
			session.close();
		}
	}
	return times;
}

async function onceRuns(runs: number): Promise<Run[]> {
	const times: Run[] = [];
	for (let i = 0; i < runs; i++) {
		const port = await freePort();
		const start = performance.now();
		const before = reapedChildrenCpuSeconds();
		execFileSync(process.execPath, [cli, 'demo', '--once', '--no-color', '--port', String(port)], {stdio: 'ignore', env: {...environment(false), COLUMNS: '80', LINES: '24'}});
		const wallMs = performance.now() - start;
		times.push({wallMs, cpuMs: (reapedChildrenCpuSeconds() - before) * 1000});
	}
	return times;
}

export async function startupFigures(options: {quick: boolean}): Promise<Figure[]> {
	const runs = options.quick ? 3 : 9;
	const figures: Figure[] = [];
	const wall = (times: Run[]) => median(times.map(t => t.wallMs));
	const cpu = (times: Run[]) => median(times.map(t => t.cpuMs));
	const detail = (times: Run[]) => ({wallMs: times.map(t => Math.round(t.wallMs)), cpuMs: times.map(t => Math.round(t.cpuMs)), medianCpuMs: Math.round(cpu(times))});
	if (tmuxVersion()) {
		const times = await tmuxFirstFrame(runs, false);
		figures.push(
			below(
				{
					group: 'startup',
					name: 'process start to first complete frame (demo, 80x24)',
					value: wall(times),
					unit: 'ms',
					method: `median of ${runs} runs: \`canary-tui demo\` (bundled dist/cli.js) in a detached 80x24 tmux session; the pane's shell records the time and execs node; capture-pane is polled every ~10 ms until the header, the canary's row, the events rule and the key line are all on screen (resolution ~10 ms). NODE_EXTRA_CA_CERTS unset (see below). Wall time: other work on the machine adds to it`,
					detail: detail(times),
				},
				goalMs,
			),
		);
		figures.push({
			group: 'startup',
			name: '  CPU time used until that frame',
			value: cpu(times),
			unit: 'ms',
			method: 'utime+stime of the demo process (/proc) at the moment the complete frame was seen, median of the same runs: the part of the wall time that is ours, whatever else the machine does',
		});
		const withCa = await tmuxFirstFrame(options.quick ? 1 : 3, true);
		figures.push({
			group: 'startup',
			name: "  first frame with this machine's NODE_EXTRA_CA_CERTS",
			value: wall(withCa),
			unit: 'ms',
			method: 'as the first figure, with the environment of this machine, whose NODE_EXTRA_CA_CERTS (220 KB of PEM) costs every Node 20 process about 150 ms at start',
			detail: detail(withCa),
		});
	} else {
		figures.push(skipped('startup', 'process start to first complete frame (demo, 80x24)', 'ms', `< ${goalMs} ms`, 'tmux', 'tmux is not installed (apt-get install tmux)'));
	}
	const once = await onceRuns(runs);
	figures.push({
		group: 'startup',
		name: '  demo --once: first frame printed, then exit',
		value: wall(once),
		unit: 'ms',
		method: `median of ${runs} runs of \`node dist/cli.js demo --once\` from spawn to exit (includes stopping the local cluster's listeners), NODE_EXTRA_CA_CERTS unset; CPU time in detail`,
		detail: detail(once),
	});
	const floor: Run[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		const before = reapedChildrenCpuSeconds();
		execFileSync(process.execPath, ['-e', '0'], {env: environment(false)});
		floor.push({wallMs: performance.now() - start, cpuMs: (reapedChildrenCpuSeconds() - before) * 1000});
	}
	figures.push({group: 'startup', name: '  node -e 0 (the floor)', value: wall(floor), unit: 'ms', method: `median of ${runs} runs, NODE_EXTRA_CA_CERTS unset`, detail: detail(floor)});
	return figures;
}
