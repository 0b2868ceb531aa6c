// Colour on and off. Ink's chalk decides its colour level when it is loaded, so this file
// forces colour before any import: then only the theme decides.
import {cleanup} from 'ink-testing-library';
import {afterAll, afterEach, describe, expect, it, vi} from 'vitest';

vi.hoisted(() => {
	process.env['FORCE_COLOR'] = '1';
});

const {event, fakeSource, keys, renderApp, view} = await import('./fake-source.js');

afterEach(() => cleanup());
afterAll(() => {
	delete process.env['FORCE_COLOR'];
});

/** Every SGR parameter in the frame: 1 bold, 2 dim, 7 inverse, 3x/9x/38 foreground… */
const sgrParameters = (frame: string) => [...frame.matchAll(/\u001b\[([\d;]*)m/g)].flatMap(match => match[1]!.split(';').filter(Boolean).map(Number));
const isColour = (p: number) => (p >= 30 && p <= 49 && p !== 39 && p !== 49) || (p >= 90 && p <= 107) || p === 7;

const release = () =>
	fakeSource([
		view({
			weight: 25,
			failedChecks: 2,
			events: [event('Advance podinfo.apps canary weight 25'), event('Halt advancement podinfo.apps request-success-rate 95.00% < 99%', {type: 'Warning'}), event('Canary failed! Scaling down podinfo.apps', {type: 'Warning'})],
			series: {'request-success-rate': [100, 95], 'request-duration': [20, 30]},
		}),
		view({name: 'web', phase: 'Failed'}),
	]);

describe('colour', () => {
	it('is on with the colour theme: phases, bar, verdicts and warnings are tinted, the selection inverse', async () => {
		const app = await renderApp(release(), {color: true});
		const params = sgrParameters(app.frame());
		expect(params).toContain(31); // red: ✗, Failed, severe warnings
		expect(params).toContain(32); // green: primary, ✓
		expect(params).toContain(33); // yellow: canary cells, warnings
		expect(params).toContain(36); // cyan: Progressing
		expect(params).toContain(7); // inverse: the selected row and the current phase
		const warning = app.frame().split('\n').find(line => line.includes('Halt advancement'))!;
		expect(warning).toContain('\u001b[33m');
		const severe = app.frame().split('\n').find(line => line.includes('Canary failed!'))!;
		expect(severe).toContain('\u001b[31m');
	});

	it('is off with --no-color / NO_COLOR (the theme without colour): no colour and no inverse, only bold and dim', async () => {
		const app = await renderApp(release(), {color: false});
		const frames = [app.frame(), await app.press('j'), await app.press(keys.tab, keys.tab), await app.press('?'), await app.press(keys.escape, 'p')];
		for (const frame of frames) {
			const colours = sgrParameters(frame).filter(isColour);
			expect(colours, JSON.stringify(frame.slice(0, 400))).toEqual([]);
		}
		// Without colour the current phase is bracketed instead.
		expect(frames[0]).toContain('[Progressing]');
	});
});
