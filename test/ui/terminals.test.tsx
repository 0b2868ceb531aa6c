// Terminals as they are: --ascii, sizes (compact below 80x24, 120x40, live resize) and
// untrusted text that must never reach the terminal raw.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {makeTheme, ThemeContext} from '../../source/ui/theme.js';
import {abAnalysis, event, fakeSource, keys, lines, lineWith, renderApp, view} from './fake-source.js';

afterEach(() => cleanup());

const busy = () =>
	view({
		weight: 25,
		failedChecks: 1,
		events: [
			event('Starting canary analysis for podinfo.apps'),
			event('Advance podinfo.apps canary weight 25'),
			event('Halt advancement podinfo.apps request-success-rate 95.00% < 99%', {type: 'Warning'}),
			event('Rolling back podinfo.apps failed checks threshold reached 5', {type: 'Warning', error: true}),
		],
		series: {'request-success-rate': [100, 99.5, 95, 97, 100], 'request-duration': [20, 30, 40, 600, 35]},
	});

/** Box drawing U+2500–U+257F, block elements U+2580–U+259F, and the geometric shapes next to them. */
const boxOrBlock = /[\u2500-\u25ff]/u;

const fits = (frame: string, columns: number, rows: number) => {
	const all = lines(frame);
	expect(all.length).toBeLessThanOrEqual(rows - 1);
	for (const line of all) expect([...line].length, `too wide: ${JSON.stringify(line)}`).toBeLessThanOrEqual(columns);
};

describe('--ascii', () => {
	it('draws the dashboard without box-drawing or block characters, in plain ASCII', async () => {
		const app = await renderApp(fakeSource([busy(), view({name: 'ab', analysis: abAnalysis, iterations: 2, phase: 'Failed'})]), {ascii: true});
		for (const frame of [app.frame(), await app.press('j'), await app.press(keys.tab, keys.tab, 'k')]) {
			expect(frame).not.toMatch(boxOrBlock);
			expect(frame).not.toMatch(/[✓✗]/);
			// Printable ASCII only, apart from the "…" Ink itself puts at the end of a truncated line.
			expect(frame).toMatch(/^[\x20-\x7e\n…]*$/);
		}
	});

	it('still shows the bar, the mark, the phase arrows and the verdicts', async () => {
		const app = await renderApp(fakeSource([busy()]), {ascii: true});
		const frame = app.frame();
		const bar = lines(frame).find(line => line.startsWith(' primary '))!;
		expect(bar).toMatch(/^ primary #+\|#+\.+ +75 \| 25 canary/);
		expect(frame).toContain('Initialized > [Progressing] > Promoting');
		expect(frame).toContain('success rate 100.0% (min 99) ok');
		expect(lineWith(frame, 'podinfo.apps')).toMatch(/^- podinfo\.apps - canary 6\.0\.1 vs primary 6\.0\.0 - step 5 > max 50 -+$/);
		expect(lineWith(frame, ' events ')).toMatch(/^- events -+$/);
		// asciichart in ASCII symbols.
		expect(frame).toMatch(/100\.0% [+|]/);
	});

	it('draws the help without box-drawing characters', async () => {
		const app = await renderApp(fakeSource([busy()]), {ascii: true});
		expect(await app.press('?')).not.toMatch(boxOrBlock);
	});
});

describe('sizes', () => {
	it('80x24: full layout with charts, at most 23 rows and 80 columns', async () => {
		const app = await renderApp(fakeSource([busy()]), {columns: 80, rows: 24});
		const frame = app.frame();
		fits(frame, 80, 24);
		expect(frame).toMatch(/[┼┤]/);
		expect(lines(frame).length).toBe(23);
		expect(lines(frame).at(-1)).toContain('q quit');
	});

	it('60x20: compact layout, no charts, one title line for the metrics, everything fits', async () => {
		const app = await renderApp(fakeSource(['a', 'b', 'c'].map(name => busy()).map((v, i) => ({...v, key: `${v.key}${i}`, name: `podinfo${i}`}))), {columns: 60, rows: 20});
		const frame = app.frame();
		fits(frame, 60, 20);
		expect(frame).not.toMatch(/[┼┤╭╮╯╰]/);
		expect(frame).not.toContain('waiting for the first reading');
		const titles = lineWith(frame, 'success rate')!;
		expect(titles).toContain('p99');
		// Two list rows in compact mode.
		expect(lines(frame).filter(line => /^[> ]podinfo\d/.test(line))).toHaveLength(2);
		expect(frame).toContain('Initialized ▸ [Progressing]');
		expect(lines(frame).some(line => line.startsWith(' primary '))).toBe(true);
		expect(frame).toContain('Rolling back podinfo.apps');
	});

	it('60x20: the footer keeps "q quit" visible', async () => {
		// At 60 columns the footer is " p promote  r rollback  space pause  n next  a A/B  e 500s  l slow  q quit"
		// (74 columns): Ink truncates it, and "q quit" is the part that falls off.
		const app = await renderApp(fakeSource([busy()]), {columns: 60, rows: 20});
		expect(lines(app.frame()).at(-1)).toContain('q quit');
	});

	it('120x40: full layout, wide footer with "? help" and the demo keys named as such', async () => {
		const app = await renderApp(fakeSource([busy()]), {columns: 120, rows: 40});
		const frame = app.frame();
		fits(frame, 120, 40);
		expect(frame).toMatch(/[┼┤]/);
		expect([...lineWith(frame, 'podinfo.apps')!].length).toBe(120);
		const footer = lines(frame).at(-1)!;
		expect(footer).toContain('demo: n next');
		expect(footer).toContain('? help');
		expect(footer).toContain('q quit');
		// The log gets the extra rows: every event is shown.
		expect(frame).toContain('Starting canary analysis');
	});

	it('resizes live: 80x24 → 60x20 → 120x40', async () => {
		const source = fakeSource([busy()]);
		const app = await renderApp(source, {columns: 80, rows: 24});
		const theme = makeTheme({color: false, ascii: false});
		const at = async (columns: number, rows: number) => {
			app.rerender(
				<ThemeContext.Provider value={theme}>
					<App source={source} columns={columns} rows={rows} />
				</ThemeContext.Provider>,
			);
			await new Promise(resolve => setTimeout(resolve, 20));
			return app.frame();
		};
		let frame = await at(60, 20);
		fits(frame, 60, 20);
		expect(frame).not.toMatch(/[┼┤]/);
		frame = await at(120, 40);
		fits(frame, 120, 40);
		expect(frame).toMatch(/[┼┤]/);
	});

	it('never shows the header twice, at any size', async () => {
		for (const [columns, rows] of [[80, 24], [60, 20], [120, 40], [100, 30]] as const) {
			const app = await renderApp(fakeSource([busy()]), {columns, rows});
			await app.press('j', 'k');
			expect(app.frame().split('canary-tui').length - 1).toBe(1);
			app.unmount();
		}
	});
});

describe('untrusted text never reaches the frame raw', () => {
	/** Anything but printable text and newlines: C0 controls (ESC, BEL, BS, CR, NUL…), DEL and C1. */
	const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
	const nasty = 'x\u001b[31mRED\u001b[0m\u001b]0;pwned\u0007\u001b[2J\u0007\b\r\u0000\u007f\u009b1m\u001b(0';
	const show = (frame: string) => JSON.stringify(frame.split('\n').filter(line => raw.test(line)));

	it('an event message with ANSI escapes and control characters', async () => {
		const app = await renderApp(fakeSource([view({events: [event(`Halt ${nasty} done`, {type: 'Warning'})]})]));
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
		expect(frame).toContain('Halt xRED');
		expect(frame).toContain('done');
	});

	it('a canary named "evil\\u001b[31m" in the list and the detail', async () => {
		const app = await renderApp(fakeSource([view({name: 'evil\u001b[31m', events: [event('hello')]})]));
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
		expect(lineWith(frame, 'evil')).toMatch(/^>evil/);
	});

	it('the y/n question names the canary without its escapes', async () => {
		// Bug: app.tsx builds the prompt from the raw key: `${actionNames[action]} ${mode.canary} now? y/n`.
		const app = await renderApp(fakeSource([view({name: 'evil\u001b[31m'})]));
		const frame = await app.press('p');
		expect(frame).toContain('y/n');
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it('a refusal names the canary without its escapes', async () => {
		// Bug: app.tsx builds the refusal notice from the raw key: `${action} ${selected.key} refused: …`.
		const app = await renderApp(fakeSource([view({name: 'evil\u001b[31m', phase: 'Succeeded'})]));
		const frame = await app.press('r');
		expect(frame).toContain('refused');
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it("the source's answer to a request (a notice) is stripped too", async () => {
		// demo-dashboard.ts answers e.g. `${key} is gone` or an API error message: both can carry
		// names from the cluster. Footer (overlays.tsx) prints the notice as it is.
		const source = fakeSource([view()]);
		source.request.mockResolvedValueOnce(`evil\u001b[31m.apps is gone\u0007`);
		const app = await renderApp(source);
		await app.press('r', 'y');
		const frame = await app.waitFor('is gone');
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it('a namespace with escapes in the -A column', async () => {
		const app = await renderApp(fakeSource([view({namespace: 'ns\u001b[41m\u0007'})], {allNamespaces: true}));
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it('header fields (context, namespace, role) with escapes', async () => {
		// Bug: header.tsx prints context, namespace and role as given; the kube context name and
		// the namespace come from the user's kubeconfig / the manifests.
		const app = await renderApp(fakeSource([view()], {context: 'ctx\u001b]0;pwned\u0007', namespace: 'apps\u001b[2J', role: 'leader\r'}));
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it('a status phase from the cluster with escapes', async () => {
		// Bug: status.phase is whatever the cluster object says; canary-list.tsx prints it as it is.
		const v = view();
		const app = await renderApp(fakeSource([{...v, phase: 'Fa\u001b[31mil\u0007ed' as typeof v.phase}]));
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
	});

	it('image tags, metric names and A/B match rules with escapes', async () => {
		const app = await renderApp(
			fakeSource([
				view({
					canaryImage: 'ghcr.io/podinfo:6.0.1\u001b[31m',
					primaryImage: 'ghcr.io/podinfo:6.0.0\u0007',
					analysis: {...abAnalysis, match: [{headers: {'x-user\u001b[5m': {exact: 'me\u001b]0;t\u0007'}}}], metrics: [{name: 'err\u001b[31mors', query: 'sum(x)', thresholdRange: {max: 1}}]},
					series: {'err\u001b[31mors': [0.5]},
				}),
			]),
		);
		const frame = app.frame();
		expect(frame, show(frame)).not.toMatch(raw);
		expect(frame).toContain('canary 6.0.1');
		expect(frame).toContain('errors 0.50');
	});

	it('does not break the layout: a long message with newlines stays on one line', async () => {
		const app = await renderApp(fakeSource([view({events: [event('line one\nline two\tand a tab ' + 'x'.repeat(200))]})]));
		const frame = app.frame();
		expect(lineWith(frame, 'line one')).toContain('line two and a tab');
		for (const line of lines(frame)) expect([...line].length).toBeLessThanOrEqual(80);
	});
});
