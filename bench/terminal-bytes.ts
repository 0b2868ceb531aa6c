// Bytes the dashboard writes to the terminal at 80x24 (issue 4, "Cheap over SSH"; issue 8).
//
// The demo runs in a detached 80x24 tmux session; `tmux pipe-pane -o 'cat >> FILE'` copies
// every byte the program writes to its pty into FILE, whose size is read once a second.
//   (a) a whole release at --speed 20: from pressing n until the list says Succeeded;
//   (b0) idle at --speed 1 right after start-up ("LAST TRANSITION …s ago" still counts seconds);
//   (b) a whole idle minute at --speed 1 with only the clock ticking (no release);
//   (c) a release at --speed 1, sampled for 60 s after pressing n.
// The start-up frame is not counted: each window opens once the dashboard has settled.
import {existsSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {freePort} from '../test/e2e/helpers.js';
import {TmuxSession, tmuxVersion} from '../test/e2e-tui/tmux.js';
import {below, skipped, type Figure} from './figures.js';

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

const method = (what: string) => `${what}; the demo (dist/cli.js) in a detached 80x24 tmux session, every byte it writes to its pty copied by \`tmux pipe-pane\` into a file whose size is read each second; the start-up frames are not counted`;

export async function terminalBytesFigures(options: {quick: boolean}): Promise<Figure[]> {
	const idleSeconds = options.quick ? 20 : 60;
	const releaseSeconds = options.quick ? 20 : 60;
	if (!tmuxVersion()) return [skipped('terminal', 'terminal bytes during a demo release (80x24)', 'B/s', '< 2000 B/s', 'tmux pipe-pane', 'tmux is not installed (apt-get install tmux)')];
	const scenarios: Scenario[] = [];
	const sessions: TmuxSession[] = [];
	try {
		// (a) a whole release at --speed 20.
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

		// (b0) idle right after start-up, (b) a whole idle minute, (c) a release, at --speed 1.
		const slow = await demo(1);
		sessions.push(slow);
		const b0 = await measure(slow, 'idle-young-speed-1', async sample => {
			for (let i = 0; i < idleSeconds; i++) {
				await sleep(1000);
				sample();
			}
		});
		scenarios.push(scenario(`idle, --speed 1, last transition < 1 min (${idleSeconds} s)`, 1, 100, b0, 'right after start-up: LAST TRANSITION still counts seconds'));
		if (!options.quick) {
			// Only the clock: once the last transition is minutes old, "… ago" changes once a minute.
			await slow.waitFor('"m ago" in the list', screen => /^>podinfo +Initialized +0 +0\/5 +\d+m ago/m.test(screen), 90_000, 500);
			const b = await measure(slow, 'idle-speed-1', async sample => {
				for (let i = 0; i < idleSeconds; i++) {
					await sleep(1000);
					sample();
				}
			});
			scenarios.push(scenario(`idle, --speed 1, clock only (${idleSeconds} s)`, 1, 100, b, 'no release; last transition minutes ago'));
		}
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
		scenarios.push(scenario(`release, --speed 1 (first ${releaseSeconds} s after n)`, 1, 2000, c, `after ${releaseSeconds} s: ${reached}`));
		slow.send('q');
	} finally {
		for (const session of sessions) session.close();
	}

	const byName = (prefix: string) => scenarios.find(s => s.name.startsWith(prefix));
	const figure = (s: Scenario | undefined, name: string, what: string, goal?: number): Figure[] => {
		if (!s) return [];
		const base = {group: 'terminal', name, value: s.bytesPerSecond, unit: 'B/s', method: method(`${what}; busiest second ${s.maxPerSecond} B; ${s.note}`), detail: s};
		return [goal === undefined ? base : below(base, goal)];
	};
	const idle = byName('idle, --speed 1, clock only');
	return [
		...figure(byName('release, --speed 1'), 'terminal bytes during a demo release (80x24)', `bytes per second over the first ${releaseSeconds} s of a release at --speed 1 (n pressed)`, 2000),
		...figure(byName('release, --speed 20'), '  same, whole release at --speed 20', 'bytes per second of a whole release at --speed 20, from n until Succeeded: 20 times as many analysis steps per second as a real release, an upper bound', 2000),
		...figure(byName('idle, --speed 1, last'), '  idle, first minute after a transition', `bytes per second idle at --speed 1 right after start-up, while LAST TRANSITION still counts seconds (${idleSeconds} s)`),
		...(idle
			? [{group: 'terminal', name: 'terminal bytes per idle minute (80x24)', value: idle.bytes * (60 / idle.seconds), unit: 'B/min', method: method(`bytes in ${idleSeconds} s idle at --speed 1 once the last transition is minutes old (only the header clock ticks), scaled to a minute`), detail: idle}]
			: []),
	];
}
