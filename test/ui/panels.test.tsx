// Each panel of the dashboard at 80x24, driven through <App> with a fake source.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {abAnalysis, event, fakeSource, keys, lines, lineWith, NOW, renderApp, secondsAgo, view, width} from './fake-source.js';

afterEach(() => cleanup());

const releaseEvents = [
	event('New revision detected! Scaling up podinfo.apps'),
	event('Starting canary analysis for podinfo.apps'),
	event('Advance podinfo.apps canary weight 5'),
	event('Halt advancement podinfo.apps request-success-rate 95.00% < 99%', {type: 'Warning'}),
];

const progressing = () =>
	view({
		weight: 25,
		failedChecks: 2,
		events: releaseEvents,
		series: {'request-success-rate': [100, 99.5, 95], 'request-duration': [20, 30, 40]},
	});

describe('header', () => {
	it('shows the context, namespace, role, the clock and "? help" on the first line', async () => {
		const app = await renderApp(fakeSource([progressing()], {context: 'kind-dev', namespace: 'apps', role: 'leader'}));
		const first = lines(app.frame())[0]!;
		expect(first).toContain('canary-tui');
		expect(first).toContain('ctx: kind-dev');
		expect(first).toContain('ns: apps');
		expect(first).toContain('leader');
		expect(first).toContain('12:00');
		expect(first).not.toContain('12:00:30'); // minutes only: a seconds clock costs ~180 B/s idle
		expect(first).toMatch(/\? help\s*$/);
		expect(width(first)).toBeLessThanOrEqual(80);
	});

	it('says "ns: all" and adds a NAMESPACE column with -A', async () => {
		const app = await renderApp(fakeSource([progressing(), view({name: 'web', namespace: 'shop', phase: 'Succeeded'})], {allNamespaces: true, role: 'observer'}));
		const frame = app.frame();
		expect(lines(frame)[0]).toContain('ns: all');
		expect(lines(frame)[0]).toContain('observer');
		expect(lineWith(frame, 'NAME')).toMatch(/NAME\s+NAMESPACE\s+STATUS/);
		expect(lineWith(frame, 'web ')).toMatch(/web\s+shop\s+Succeeded/);
	});

	it('appears exactly once in the frame (no duplicated header lines)', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		await app.press('j', 'k');
		expect(app.frame().split('canary-tui').length - 1).toBe(1);
		expect(app.frame().split('NAME ').length - 1).toBe(1);
	});
});

describe('canary list', () => {
	it('shows NAME, STATUS, WEIGHT, FAILED as n/threshold and LAST TRANSITION as "10s ago" (twelve seconds, in five-second steps)', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const frame = app.frame();
		expect(lineWith(frame, 'NAME')).toMatch(/NAME\s+STATUS\s+WEIGHT\s+FAILED\s+LAST TRANSITION/);
		const row = lineWith(frame, 'podinfo ')!;
		expect(row).toMatch(/^>podinfo\s+Progressing\s+25\s+2\/5\s+10s ago/);
	});

	it('formats older transitions in minutes, hours and days', async () => {
		const app = await renderApp(
			fakeSource([
				view({name: 'a1', lastTransitionTime: secondsAgo(190)}),
				view({name: 'a2', lastTransitionTime: secondsAgo(3 * 3600 + 5)}),
				view({name: 'a3', lastTransitionTime: secondsAgo(2 * 86400)}),
			]),
		);
		const frame = app.frame();
		expect(lineWith(frame, 'a1 ')).toContain('3m ago');
		expect(lineWith(frame, 'a2 ')).toContain('3h ago');
		expect(lineWith(frame, 'a3 ')).toContain('2d ago');
	});

	it('marks paused canaries ("Progressing (paused)" in full)', async () => {
		// Bug: canary-list.tsx pads the status to 17 columns with pad(), which cuts
		// "Progressing (paused)" (20) to "Progressing (paus".
		const app = await renderApp(fakeSource([view({suspend: true})]));
		expect(lineWith(app.frame(), 'podinfo ')).toContain('Progressing (paused)');
	});

	it('says so when there are no canaries, and shows no detail', async () => {
		const app = await renderApp(fakeSource([]));
		expect(app.frame()).toContain('no canaries');
		expect(app.frame()).not.toContain('primary');
	});

	it('keeps names that are longer than the shortest one in their column (NAME is as wide as the longest name)', async () => {
		// Bug: canary-list.tsx computes nameWidth with Math.min over the names instead of Math.max,
		// so "frontend" runs into its status: ">frontendSucceeded".
		const app = await renderApp(fakeSource([view({name: 'podinfo'}), view({name: 'frontend-api', phase: 'Succeeded'})]));
		const row = lineWith(app.frame(), 'frontend')!;
		expect(row).toMatch(/frontend-api\s+Succeeded/);
	});
});

describe('detail', () => {
	it('titles the selected canary with its versions and its step policy', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const title = lineWith(app.frame(), 'podinfo.apps')!;
		expect(title).toMatch(/^─ podinfo\.apps ─ canary 6\.0\.1 vs primary 6\.0\.0 ─ step 5 ▸ max 50 ─+$/);
		expect(width(title)).toBe(80);
	});

	it('shows stepWeights as "steps 1,10,80" and A/B as iterations', async () => {
		const app = await renderApp(fakeSource([view({analysis: {stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 10, 80]}}), view({name: 'ab', analysis: abAnalysis, iterations: 3})]));
		expect(lineWith(app.frame(), 'podinfo.apps')).toContain('steps 1,10,80 ▸ max 80');
		await app.press('j');
		expect(lineWith(app.frame(), 'ab.apps')).toContain('A/B 10 iterations');
	});
});

describe('weight bar', () => {
	const bar = (frame: string) => lines(frame).find(line => line.startsWith(' primary '))!;

	it('shows primary | canary weights, the steps to go and the maxWeight mark', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const line = bar(app.frame());
		expect(line).toContain(' 75 | 25 canary');
		expect(line).toContain('next 30, 35, 40');
		// One mark, for maxWeight 50: in the middle of the bar.
		const cells = line.slice(' primary '.length).match(/^[█░│]+/)![0];
		expect(cells.split('│').length - 1).toBe(1);
		const markAt = cells.indexOf('│');
		expect(Math.abs(markAt - cells.length / 2)).toBeLessThanOrEqual(1);
		// The canary's share (░ cells) is 25% of the bar.
		const canaryCells = cells.split('').filter(c => c === '░').length;
		expect(Math.abs(canaryCells - 0.25 * cells.length)).toBeLessThanOrEqual(1);
	});

	it('has no mark when the canary may reach 100%', async () => {
		const app = await renderApp(fakeSource([view({weight: 40, analysis: {maxWeight: undefined, stepWeight: 20}})]));
		const line = bar(app.frame());
		expect(line).not.toContain('│');
		expect(line).toContain(' 60 | 40 canary');
	});

	it('fits in 80 columns: the last step to go ("▸ 50") is not cut off', async () => {
		// Bug: weight-bar.tsx sizes the bar as width - 23 - next.length, but the fixed parts
		// (" primary " 9 + " 100 | 0  canary" 16) take 25 columns: the line is 2 columns too
		// wide and Ink truncates its end ("next 30, 35, 40 ▸…").
		const app = await renderApp(fakeSource([progressing()]));
		expect(bar(app.frame())).toMatch(/next 30, 35, 40 ▸ 50$/);
	});

	it('fits in 80 columns at weight 0: the line ends with "canary", not "can…"', async () => {
		const app = await renderApp(fakeSource([view({phase: 'Initialized', weight: 0})]));
		expect(bar(app.frame()).trimEnd()).toMatch(/100 \| 0 +canary$/);
	});

	it('for A/B shows iterations n/N and which users are routed to the canary', async () => {
		const app = await renderApp(fakeSource([view({analysis: abAnalysis, iterations: 3})]));
		expect(app.frame()).toContain('A/B test iteration 3/10 ▸ canary gets user-agent ~ .*(Firefox|curl).*');
		expect(lines(app.frame()).some(line => line.startsWith(' primary '))).toBe(false);
	});

	it('for Blue/Green shows iterations n/N', async () => {
		const app = await renderApp(fakeSource([view({analysis: {...abAnalysis, match: undefined}, iterations: 4})]));
		expect(app.frame()).toContain('Blue/Green iteration 4/10');
		expect(lineWith(app.frame(), 'podinfo.apps')).toContain('Blue/Green 10 iterations');
	});
});

describe('phase path', () => {
	it('Progressing: the happy path with the current phase highlighted', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		expect(app.frame()).toContain(' Initialized ▸ [Progressing] ▸ Promoting ▸ Finalising ▸ Succeeded');
	});

	it('Failed: Initialized ▸ Progressing ▸ Failed, no Succeeded', async () => {
		const app = await renderApp(fakeSource([view({phase: 'Failed'})]));
		const path = lineWith(app.frame(), 'Initialized ▸')!;
		expect(path.trim()).toBe('Initialized ▸ Progressing ▸ [Failed]');
	});

	it('Succeeded and WaitingPromotion highlight their step', async () => {
		const app = await renderApp(fakeSource([view({phase: 'Succeeded'}), view({name: 'two', phase: 'WaitingPromotion'})]));
		expect(app.frame()).toContain('Finalising ▸ [Succeeded]');
		await app.press('j');
		expect(app.frame()).toContain('Initialized ▸ Progressing ▸ [WaitingPromotion] ▸ Promoting');
	});
});

describe('metrics', () => {
	it('titles each metric with its current value, bounds and ✓/✗, and draws a chart', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const frame = app.frame();
		const titles = lineWith(frame, 'success rate')!;
		expect(titles).toContain('success rate 95.0% (min 99) ✗');
		expect(titles).toContain('p99 40ms (max 500) ✓');
		// asciichart axes with value labels.
		expect(frame).toMatch(/100\.0% [┼┤]/);
		expect(frame).toMatch(/500ms [┼┤]/);
	});

	it('says "no data" and waits for the first reading before any reading', async () => {
		const app = await renderApp(fakeSource([view()]));
		const frame = app.frame();
		expect(lineWith(frame, 'success rate')).toMatch(/success rate no data \(min 99\)\s+p99 no data \(max 500\)/);
		expect(frame.split('waiting for the first reading').length - 1).toBe(2);
	});

	it('does not throw on missing readings (NaN/undefined in the series)', async () => {
		const app = await renderApp(fakeSource([view({series: {'request-success-rate': [undefined, 99.9, undefined, 100], 'request-duration': [undefined]}})]));
		const frame = app.frame();
		expect(frame).toContain('success rate 100.0% (min 99) ✓');
		expect(frame).toContain('p99 no data (max 500) ✗');
	});

	it('says so when the analysis has no metrics', async () => {
		const app = await renderApp(fakeSource([view({analysis: {metrics: []}})]));
		expect(app.frame()).toContain('no metrics in the analysis');
	});
});

describe('event log', () => {
	const many = Array.from({length: 30}, (_, i) => event(`message number ${String(i + 1).padStart(2, '0')}`, {time: NOW - (30 - i) * 1000}));

	it('shows messages with their time, newest last', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const frame = app.frame();
		expect(lineWith(frame, '─ events ')).toBeDefined();
		const log = lines(frame).filter(line => /^ \d\d:\d\d:\d\d /.test(line));
		expect(log.map(line => line.slice(10))).toEqual(releaseEvents.map(e => e.message));
		expect(log[0]).toMatch(/^ 11:59:\d\d New revision detected!/);
	});

	it('shows the newest lines when there are more events than rows, the last one just above the footer', async () => {
		const app = await renderApp(fakeSource([view({events: many})]));
		const all = lines(app.frame());
		const log = all.filter(line => line.includes('message number'));
		expect(log.length).toBeGreaterThan(3);
		expect(log.at(-1)).toContain('message number 30');
		expect(all.length).toBeLessThanOrEqual(23);
	});

	it('scrolls with k/j (and g/G) when the log has focus', async () => {
		const app = await renderApp(fakeSource([view({events: many})]));
		await app.press(keys.tab, keys.tab);
		let frame = await app.press('k');
		expect(frame).toContain('events (1 newer below)');
		expect(frame).not.toContain('message number 30');
		expect(frame).toContain('message number 29');
		frame = await app.press('k', keys.up);
		expect(frame).toContain('events (3 newer below)');
		expect(frame).toContain('message number 27');
		expect(frame).not.toContain('message number 28');
		frame = await app.press('j');
		expect(frame).toContain('events (2 newer below)');
		frame = await app.press('g');
		expect(frame).toContain('message number 01');
		expect(frame).toContain('(29 newer below)');
		frame = await app.press('G');
		expect(frame).toContain('message number 30');
		expect(frame).not.toContain('newer below');
		// k in the log does not move the list selection.
		frame = await app.press('k', keys.down);
		expect(lineWith(frame, 'podinfo ')).toMatch(/^>podinfo/);
	});

	it('does not scroll when the list has focus: j/k select canaries instead', async () => {
		const app = await renderApp(fakeSource([view({events: many}), view({name: 'other', events: [event('other message')]})]));
		const frame = await app.press('j');
		expect(frame).not.toContain('newer below');
		expect(frame).toContain('other message');
	});

	it('says so when there are no events', async () => {
		const app = await renderApp(fakeSource([view()]));
		expect(app.frame()).toContain('no events yet');
	});
});

describe('footer', () => {
	it('lists the keys that act, with the demo keys in demo mode', async () => {
		const app = await renderApp(fakeSource([progressing()]));
		const footer = lines(app.frame()).at(-1)!;
		expect(footer).toContain('p promote');
		expect(footer).toContain('r rollback');
		expect(footer).toContain('space pause');
		expect(footer).toMatch(/n next\s+a A\/B\s+e 500s\s+l slow/);
		expect(footer).toContain('q quit');
		expect(width(footer)).toBeLessThanOrEqual(80);
	});

	it('leaves out p, r and space in a read-only source, and the demo keys outside the demo', async () => {
		const app = await renderApp(fakeSource([progressing()], {readonly: true, demo: false}));
		const footer = lines(app.frame()).at(-1)!;
		expect(footer).not.toContain('promote');
		expect(footer).not.toContain('n next');
		expect(footer).toContain('/ filter');
		expect(footer).toContain('q quit');
	});

	it('offers only the keys that work right now: no p or r once the canary has Succeeded', async () => {
		// Contract gap (issue 4: "a footer with the keys that work right now"): keymap.ts
		// footerKeys() lists p and r whenever a canary is selected, though refusalOf() refuses
		// both outside an analysis. Suggested: pass the selected canary's phase/suspended state and
		// keep only the actions refusalOf() accepts.
		const app = await renderApp(fakeSource([view({phase: 'Succeeded'})]));
		const footer = lines(app.frame()).at(-1)!;
		expect(footer).toContain('space pause');
		expect(footer).not.toContain('p promote');
		expect(footer).not.toContain('r rollback');
	});

	it('follows source updates (a store change repaints)', async () => {
		const source = fakeSource([progressing()]);
		const app = await renderApp(source);
		source.update([view({weight: 30, failedChecks: 3, events: [...releaseEvents, event('Advance podinfo.apps canary weight 30')]})]);
		const frame = await app.waitFor(' 70 | 30 canary');
		expect(lineWith(frame, 'podinfo ')).toMatch(/Progressing\s+30\s+3\/5/);
		expect(lines(frame).filter(line => line.includes('Advance podinfo.apps canary weight')).at(-1)).toContain('weight 30');
	});
});
