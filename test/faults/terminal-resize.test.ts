// The terminal resized every 100 ms while the demo dashboard runs a release in tmux: no crash,
// and once the resizing stops the frame on screen is complete and fits the final size.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, freePort} from '../e2e/helpers.js';
import {TmuxSession, sleep, tmuxVersion} from '../e2e-tui/tmux.js';
import {seeded as seededRandom} from '../local/http/helpers.js';

const version = tmuxVersion();
const sizes: Array<[number, number]> = [[80, 24], [60, 20], [120, 40], [100, 30], [70, 22], [200, 50], [40, 12], [90, 26]];
const seed = Number(process.env['FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const resizes = 100;

describe.skipIf(!version)(`terminal resized every 100 ms (${version ?? 'no tmux'})`, () => {
	let session: TmuxSession | undefined;
	beforeAll(async () => {
		await ensureBuilt();
	}, 120_000);
	afterAll(() => session?.close());

	it(`survives ${resizes} resizes during a release and ends on a complete frame`, async () => {
		const random = seededRandom(seed);
		session = new TmuxSession(80, 24, `node dist/cli.js demo --speed 20 --port ${await freePort()}; echo EXIT=$?; sleep 60`);
		const s = session;
		await s.waitFor('the dashboard', screen => /^>podinfo +Initialized /m.test(screen), 60_000);
		s.send('n'); // ship the next version: the panels move while the terminal changes size
		for (let i = 0; i < resizes; i++) {
			const [columns, rows] = sizes[Math.floor(random() * sizes.length)]!;
			s.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
			await sleep(100);
			expect(s.capture(), `the dashboard died after ${i + 1} resizes (seed ${seed})`).not.toMatch(/EXIT=\d+/);
		}
		s.tmux('resize-window', '-t', 'main', '-x', '100', '-y', '30');
		// Settled: the rule under the list spans the new width and the footer is on the last row.
		const screen = await s.waitFor(
			'a complete 100x30 frame',
			text => {
				const lines = text.replace(/\n$/, '').split('\n');
				return lines.some(line => line.startsWith('─ podinfo.apps') && line.trimEnd().length === 100) && lines.length === 30;
			},
			10_000,
		);
		const lines = screen.replace(/\n$/, '').split('\n');
		expect(lines[0], 'the header on the first row').toMatch(/^ canary-tui  ctx: demo/);
		expect(lines.filter(line => line.includes('canary-tui  ctx:')), `one header:\n${screen}`).toHaveLength(1);
		expect(lines.filter(line => /^ NAME +STATUS/.test(line)), `one list header:\n${screen}`).toHaveLength(1);
		expect(screen).toMatch(/^>podinfo +\S+/m);
		expect(screen).toMatch(/─ events ─+/);
		expect(lines.filter(line => line.trim()).at(-1), 'the key footer at the bottom').toMatch(/\? help +q quit$/);
		for (const line of s.lines(true)) expect([...line.trimEnd()].length, `wider than 100: ${JSON.stringify(line)}`).toBeLessThanOrEqual(100);
		s.send('q');
		expect(await s.waitFor('exit', text => /EXIT=\d+/.test(text), 20_000)).toMatch(/^EXIT=0$/m);
	}, 180_000);
});
