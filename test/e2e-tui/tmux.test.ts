// The real binary in a real terminal, driven as a person would: tmux new-session -x -y,
// send-keys, capture-pane -p. Needs tmux (CI installs it); skipped loudly without it.
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, freePort} from '../e2e/helpers.js';
import {TmuxSession, tmuxVersion} from './tmux.js';

const version = tmuxVersion();
if (!version) {
	console.warn('\n*** test/e2e-tui/tmux.test.ts SKIPPED: tmux is not installed (apt-get install tmux). The TUI end-to-end tests did not run. ***\n');
}

let session: TmuxSession | undefined;
afterEach(() => {
	session?.close();
	session = undefined;
});

async function demo(columns: number, rows: number, extra = ''): Promise<TmuxSession> {
	const port = await freePort();
	// `; echo EXIT=$?; sleep 60`: the pane stays after the TUI quits, so its exit status and the
	// restored screen can be read.
	session = new TmuxSession(columns, rows, `node dist/cli.js demo --speed 20 --port ${port}${extra}; echo EXIT=$?; sleep 60`);
	return session;
}

const headerLine = (line: string) => line.includes('canary-tui  ctx:');

/** Checks every screen seen: one header, one column header, one events rule, no over-wide line. */
function checkFrame(s: TmuxSession, screen: string): void {
	if (!screen.includes('canary-tui  ctx:')) return;
	const lines = screen.split('\n');
	expect(lines.filter(headerLine), `duplicated header lines:\n${screen}`).toHaveLength(1);
	expect(lines.filter(line => /^ NAME +/.test(line)), `duplicated list header:\n${screen}`).toHaveLength(lines.some(l => l.includes('esc or ? to close')) ? 0 : 1);
	// The header stays on the first row: the frame is never taller than the screen.
	expect(headerLine(lines[0]!), `the header is not on the first row:\n${screen}`).toBe(true);
	const joined = s.lines(true);
	for (const line of joined) {
		expect([...line.trimEnd()].length, `a line wider than ${s.columns} columns: ${JSON.stringify(line)}`).toBeLessThanOrEqual(s.columns);
	}
}

async function quit(s: TmuxSession): Promise<string> {
	s.send('q');
	const screen = await s.waitFor('EXIT= after q', text => /EXIT=\d+/.test(text), 20_000);
	return screen;
}

/** The alternate screen is left, the cursor is back and the dashboard is gone. */
function expectRestored(s: TmuxSession, screen: string): void {
	expect(screen).toMatch(/^EXIT=0$/m);
	expect(screen).not.toContain('canary-tui  ctx:');
	expect(screen).not.toMatch(/─ events ─/);
	expect(screen).toContain('export URL=http://127.0.0.1:');
	expect(s.display('#{alternate_on}')).toBe('0');
	expect(s.display('#{cursor_flag}')).toBe('1');
}

const started = (screen: string) => /^>podinfo +Initialized /m.test(screen) && screen.includes('canary-tui  ctx:');

describe.skipIf(!version)(`the dashboard in tmux (${version ?? 'no tmux'})`, () => {
	beforeAll(async () => {
		await ensureBuilt();
	}, 120_000);

	it('80x24: demo starts, n starts a release, the weight bar and the log move, r y rolls it back, q exits 0', async () => {
		const s = await demo(80, 24);
		const check = (screen: string) => checkFrame(s, screen);
		let screen = await s.waitFor('podinfo Initialized', started, 60_000, 100, check);
		expect(screen).toMatch(/─ podinfo\.apps ─ canary 5\.0\.0 vs primary 5\.0\.0/);
		expect(screen).toMatch(/ primary █+│█+ 100 \| 0/);
		expect(screen).toContain('Initialized ▸ Progressing');
		expect(screen).toContain('n next');

		s.send('n');
		screen = await s.waitFor('the notice of n', text => text.includes('shipping podinfo 5.0.1'), 15_000, 100, check);
		const weightOf = (text: string) => Number(/^ primary [█░│]+ +\d+ \| (\d+)/m.exec(text)?.[1] ?? -1);
		const advances = (text: string) => text.split('\n').filter(line => /\d\d:\d\d:\d\d Advance podinfo\.apps canary weight \d+/.test(line));
		screen = await s.waitFor('the first step', text => weightOf(text) >= 5 && advances(text).length >= 1, 45_000, 100, check);
		expect(screen).toMatch(/^>podinfo +Progressing +\d+ +0\/5/m);
		expect(screen).toMatch(/─ podinfo\.apps ─ canary 5\.0\.1 vs primary 5\.0\.0/);
		const firstWeight = weightOf(screen);
		const newestAdvance = (text: string) => Number(/weight (\d+)$/.exec(advances(text).at(-1)?.trimEnd() ?? '')?.[1] ?? -1);
		const firstAdvance = newestAdvance(screen);
		// The bar and the log move on their own.
		screen = await s.waitFor('the weight bar and the log to move', text => weightOf(text) > firstWeight && newestAdvance(text) > firstAdvance, 30_000, 100, check);
		expect(screen).toMatch(/ primary █+│[█░]+ +\d+ \| \d+ +canary/);
		expect(advances(screen).at(-1)).toContain(`weight ${weightOf(screen)}`);
		expect(screen).toMatch(/success rate [\d.]+% \(min 99\) ✓/);

		s.send('r');
		screen = await s.waitFor('the y/n question', text => text.includes('Roll back podinfo.apps now? y/n'), 15_000, 100, check);
		s.send('y');
		// One y is enough: the question goes away as soon as the y is read. (Under heavy load a
		// y has been seen to be dropped and the question to stay; see the report.)
		await s.waitFor('the y/n question to go after one y (a lost keystroke if it stays)', text => !text.includes('now? y/n'), 5_000, 50, check);
		screen = await s.waitFor('Canary failed! and Failed', text => text.includes('Canary failed!') && /^>podinfo +Failed +0 /m.test(text), 30_000, 100, check);
		expect(screen).toMatch(/Manual rollback of podinfo\.apps requested by \S+@\S+/);
		expect(screen).toContain('Initialized ▸ Progressing ▸ Failed');
		expect(screen).toMatch(/ primary █+│█+ 100 \| 0/);

		expectRestored(s, await quit(s));
	}, 180_000);

	it('120x40: starts with the full layout, ? shows help, q exits 0', async () => {
		const s = await demo(120, 40);
		const check = (screen: string) => checkFrame(s, screen);
		let screen = await s.waitFor('podinfo Initialized', started, 60_000, 100, check);
		expect(screen).toContain('demo: n next');
		expect(screen).toContain('? help');
		expect(screen.split('\n').find(line => line.startsWith('─ podinfo.apps'))!.trimEnd()).toHaveLength(120);

		s.send('?');
		screen = await s.waitFor('the help', text => text.includes('esc or ? to close'), 15_000, 100, check);
		expect(screen).toContain('ship the next podinfo version (demo)');
		expect(screen).toContain('roll back now');
		// From the help, q quits like everywhere else (the issue: "q or Ctrl-C quits").
		expectRestored(s, await quit(s));
	}, 120_000);

	it('60x20: starts with the compact layout, ? shows help, q exits 0', async () => {
		const s = await demo(60, 20);
		const check = (screen: string) => checkFrame(s, screen);
		let screen = await s.waitFor('podinfo Initialized', started, 60_000, 100, check);
		// Compact: no charts.
		expect(screen).not.toMatch(/[┼┤]/);
		expect(screen).toContain('success rate');
		s.send('?');
		screen = await s.waitFor('the help', text => text.includes('esc or ? to close'), 15_000, 100, check);
		s.send('Escape');
		screen = await s.waitFor('the dashboard again', text => started(text) && !text.includes('esc or ? to close'), 15_000, 100, check);
		expectRestored(s, await quit(s));
	}, 120_000);

	it('80x24: Ctrl-C quits with status 0 and restores the screen too', async () => {
		const s = await demo(80, 24);
		await s.waitFor('podinfo Initialized', started, 60_000, 100, screen => checkFrame(s, screen));
		s.send('C-c');
		const screen = await s.waitFor('EXIT=', text => /EXIT=\d+/.test(text), 20_000);
		expectRestored(s, screen);
	}, 120_000);

	it('--ascii --no-color: no box-drawing or block characters on the screen', async () => {
		const s = await demo(80, 24, ' --ascii --no-color');
		const screen = await s.waitFor('podinfo Initialized', started, 60_000, 100, text => checkFrame(s, text));
		expect(screen).not.toMatch(/[\u2500-\u25ff]/);
		expect(screen).toMatch(/ primary #+\|#+ 100 \| 0/);
		expectRestored(s, await quit(s));
	}, 120_000);
});
