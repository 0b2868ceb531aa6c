// Bytes the dashboard writes to the terminal per second at 80x24 (issue 4, "Cheap over SSH").
// Not a test: run with `npx tsx test/e2e-tui/bytes.ts [--out FILE] [--idle-seconds N] [--release-seconds N]`.
//
// The demo runs in a detached 80x24 tmux session; `tmux pipe-pane -o 'cat >> FILE'` copies
// every byte the program writes to its pty into FILE, whose size is read once a second.
//   (a) a whole release at --speed 20: from pressing n until the list says Succeeded;
//   (b) idle for 30 s at --speed 1 with only the clock ticking (no release);
//   (c) a release at --speed 1, sampled for about 60 s after pressing n.
// The start-up frame is not counted: each window opens once the dashboard has settled.
import {existsSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ensureBuilt, freePort} from '../e2e/helpers.js';
import {repoRoot, TmuxSession, tmuxVersion} from './tmux.js';

type Scenario = {
	name: string;
	speed: number;
	seconds: number;
	bytes: number;
	bytesPerSecond: number;
	/** The busiest whole second. */
	maxPerSecond: number;
	goal: number;
	pass: boolean;
	/** Bytes in each whole second of the window. */
	perSecond: number[];
	note: string;
};

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
	const index = args.indexOf(name);
	return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const out = option('--out', join(repoRoot, 'bench-tui.json'));
const idleSeconds = Number(option('--idle-seconds', '30'));
const releaseSeconds = Number(option('--release-seconds', '60'));

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
const started = (screen: string) => /^>podinfo +Initialized /m.test(screen) && screen.includes('canary-tui  ctx:');
const weightOf = (screen: string) => /^>podinfo +(\w+) +(\d+)/m.exec(screen);

/** Copies the pane's output into a file while `body` runs, sampling the size each second. */
async function measure(s: TmuxSession, label: string, body: (sample: () => void) => Promise<void>): Promise<{bytes: number; seconds: number; perSecond: number[]}> {
	const file = join(s.scratch, `${label}.bytes`);
	s.tmux('pipe-pane', '-o', '-t', 'main', `cat >> '${file}'`);
	const size = () => (existsSync(file) ? statSync(file).size : 0);
	const begin = performance.now();
	const marks: number[] = [];
	let last = 0;
	const sample = () => {
		const now = size();
		marks.push(now - last);
		last = now;
	};
	await body(sample);
	const seconds = (performance.now() - begin) / 1000;
	s.tmux('pipe-pane', '-t', 'main'); // closes the pipe
	await sleep(200);
	return {bytes: size(), seconds, perSecond: marks};
}

async function demo(speed: number): Promise<TmuxSession> {
	const port = await freePort();
	const s = new TmuxSession(80, 24, `node dist/cli.js demo --speed ${speed} --port ${port}; echo EXIT=$?; sleep 60`);
	await s.waitFor('podinfo Initialized', started, 60_000, 250);
	// Let the start-up frames and the first clock tick pass.
	await sleep(2000);
	return s;
}

function scenario(name: string, speed: number, goal: number, result: {bytes: number; seconds: number; perSecond: number[]}, note: string): Scenario {
	const bytesPerSecond = result.bytes / result.seconds;
	return {
		name,
		speed,
		seconds: Number(result.seconds.toFixed(1)),
		bytes: result.bytes,
		bytesPerSecond: Math.round(bytesPerSecond),
		maxPerSecond: Math.max(0, ...result.perSecond),
		goal,
		pass: bytesPerSecond < goal,
		perSecond: result.perSecond,
		note,
	};
}

async function main(): Promise<void> {
	const version = tmuxVersion();
	if (!version) {
		console.error('tmux is not installed: apt-get install tmux');
		process.exit(2);
	}
	await ensureBuilt();
	const scenarios: Scenario[] = [];
	const sessions: TmuxSession[] = [];
	const closeAll = () => sessions.forEach(s => s.close());
	process.once('SIGINT', () => {
		closeAll();
		process.exit(130);
	});
	try {
		// (a) a whole release at --speed 20.
		console.error('(a) release at --speed 20: n, then until Succeeded …');
		const fast = await demo(20);
		sessions.push(fast);
		let steps = 0;
		const a = await measure(fast, 'release-speed-20', async sample => {
			fast.send('n');
			const deadline = performance.now() + 120_000;
			let next = performance.now() + 1000;
			for (;;) {
				const screen = fast.capture();
				const row = weightOf(screen);
				if (row?.[1] === 'Progressing') steps = Math.max(steps, Number(row[2]));
				if (row?.[1] === 'Succeeded' || row?.[1] === 'Failed') break;
				if (performance.now() > deadline) throw new Error(`the release did not end in 2 minutes:\n${screen}`);
				await sleep(100);
				if (performance.now() >= next) {
					sample();
					next += 1000;
				}
			}
			sample();
		});
		const outcome = weightOf(fast.capture())?.[1];
		scenarios.push(scenario('release, --speed 20 (n until Succeeded)', 20, 2000, a, `ended ${outcome}, reached weight ${steps}`));
		fast.send('q');
		fast.close();

		// (b) idle, then (c) a release, at --speed 1.
		const slow = await demo(1);
		sessions.push(slow);
		// Right after start-up the list's "LAST TRANSITION 5s ago" still counts seconds.
		console.error(`(b0) idle at --speed 1 for ${idleSeconds} s right after start-up (clock + "…s ago") …`);
		const b0 = await measure(slow, 'idle-young-speed-1', async sample => {
			for (let i = 0; i < idleSeconds; i++) {
				await sleep(1000);
				sample();
			}
		});
		scenarios.push(scenario(`idle, --speed 1, last transition < 1 min (${idleSeconds} s)`, 1, 100, b0, 'right after start-up: LAST TRANSITION still counts seconds'));
		// Only the clock: once the last transition is minutes old, "… ago" changes once a minute.
		await slow.waitFor('"m ago" in the list', screen => /^>podinfo +Initialized +0 +0\/5 +\d+m ago/m.test(screen), 90_000, 500);
		console.error(`(b) idle at --speed 1 for ${idleSeconds} s with only the clock ticking …`);
		const b = await measure(slow, 'idle-speed-1', async sample => {
			for (let i = 0; i < idleSeconds; i++) {
				await sleep(1000);
				sample();
			}
		});
		scenarios.push(scenario(`idle, --speed 1, clock only (${idleSeconds} s)`, 1, 100, b, 'no release; last transition minutes ago'));

		console.error(`(c) release at --speed 1, sampled for ${releaseSeconds} s …`);
		let reached = '';
		const c = await measure(slow, 'release-speed-1', async sample => {
			slow.send('n');
			for (let i = 0; i < releaseSeconds; i++) {
				await sleep(1000);
				sample();
			}
			const row = weightOf(slow.capture());
			reached = row ? `${row[1]} at weight ${row[2]}` : '?';
		});
		scenarios.push(scenario(`release, --speed 1 (first ${releaseSeconds} s after n)`, 1, 300, c, `after ${releaseSeconds} s: ${reached}`));
		slow.send('q');
	} finally {
		closeAll();
	}

	const table = [
		['scenario', 'seconds', 'bytes', 'B/s', 'max B in 1 s', 'goal B/s', 'ok', 'note'],
		...scenarios.map(s => [s.name, s.seconds.toFixed(1), String(s.bytes), String(s.bytesPerSecond), String(s.maxPerSecond), `< ${s.goal}`, s.pass ? 'yes' : 'NO', s.note]),
	];
	const widths = table[0]!.map((_, i) => Math.max(...table.map(row => row[i]!.length)));
	for (const [index, row] of table.entries()) {
		console.log(row.map((cell, i) => (i >= 1 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
		if (index === 0) console.log(widths.map(w => '-'.repeat(w)).join('  '));
	}
	const report = {
		when: new Date().toISOString(),
		terminal: '80x24 (tmux, pipe-pane)',
		tmux: version,
		node: process.version,
		scenarios,
	};
	writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
	console.log(`\nwritten to ${out}`);
}

await main();
