// p, r and space: y/n first, then a request for the selected canary; refusals with a visible
// reason; the demo keys n, a, e and l.
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Phase} from '../../source/core/spec/types.js';
import {fakeSource, keys, lines, renderApp, view} from './fake-source.js';

afterEach(() => cleanup());

const footer = (frame: string) => lines(frame).at(-1)!;

describe('confirmations', () => {
	const cases = [
		{key: 'p', action: 'promote', prompt: 'Promote podinfo.apps now? y/n', suspend: false},
		{key: 'r', action: 'rollback', prompt: 'Roll back podinfo.apps now? y/n', suspend: false},
		{key: ' ', action: 'pause', prompt: 'Pause podinfo.apps now? y/n', suspend: false},
		{key: ' ', action: 'resume', prompt: 'Resume podinfo.apps now? y/n', suspend: true},
	] as const;

	for (const {key, action, prompt, suspend} of cases) {
		it(`${JSON.stringify(key)} asks "${prompt}" and requests ${action} of the selected canary on y`, async () => {
			const source = fakeSource([view({suspend})]);
			const app = await renderApp(source);
			let frame = await app.press(key);
			expect(footer(frame)).toBe(` ${prompt}`);
			expect(source.request).not.toHaveBeenCalled();
			frame = await app.press('y');
			expect(source.request).toHaveBeenCalledTimes(1);
			expect(source.request).toHaveBeenCalledWith(action, 'podinfo.apps');
			// The source's answer is the notice.
			expect(footer(await app.waitFor(`${action} of podinfo.apps requested`))).toBe(` ${action} of podinfo.apps requested`);
		});

		it(`${JSON.stringify(key)} does nothing on n or esc (${action})`, async () => {
			const source = fakeSource([view({suspend})]);
			const app = await renderApp(source);
			for (const no of ['n', keys.escape]) {
				await app.press(key);
				const frame = await app.press(no);
				expect(footer(frame)).toContain('cancelled');
				expect(frame).not.toContain('y/n');
			}
			expect(source.request).not.toHaveBeenCalled();
			expect(source.demoSpies.next).not.toHaveBeenCalled();
		});
	}

	it('acts on the selected canary, not the first', async () => {
		const source = fakeSource([view(), view({name: 'frontend'})]);
		const app = await renderApp(source);
		const frame = await app.press('j', 'r');
		expect(footer(frame)).toContain('Roll back frontend.apps now? y/n');
		await app.press('Y');
		expect(source.request).toHaveBeenCalledWith('rollback', 'frontend.apps');
	});

	it('other keys wait for an answer: they neither act nor dismiss the question', async () => {
		const source = fakeSource([view(), view({name: 'two'})]);
		const app = await renderApp(source);
		const frame = await app.press('p', 'j', 'q', 'r', keys.tab);
		expect(footer(frame)).toContain('Promote podinfo.apps now? y/n');
		expect(source.listeners.size).toBeGreaterThan(0);
		await app.press('y');
		expect(source.request).toHaveBeenCalledTimes(1);
		expect(source.request).toHaveBeenCalledWith('promote', 'podinfo.apps');
	});

	it('shows a failed request as a notice', async () => {
		const source = fakeSource([view()]);
		source.request.mockRejectedValueOnce(new Error('conflict: try again'));
		const app = await renderApp(source);
		await app.press('r', 'y');
		expect(footer(await app.waitFor('conflict: try again'))).toContain('conflict: try again');
	});
});

describe('refusals', () => {
	it('p when Succeeded is refused with the reason, without asking', async () => {
		const source = fakeSource([view({phase: 'Succeeded'})]);
		const app = await renderApp(source);
		const frame = await app.press('p');
		expect(footer(frame)).toContain('Promote podinfo.apps refused: no analysis in progress (Succeeded)');
		expect(frame).not.toContain('y/n');
		await app.press('y');
		expect(source.request).not.toHaveBeenCalled();
	});

	it('r when Succeeded is refused with the reason', async () => {
		const source = fakeSource([view({phase: 'Succeeded'})]);
		const app = await renderApp(source);
		const frame = await app.press('r', 'y');
		expect(footer(frame)).toContain('Roll back podinfo.apps refused: no analysis in progress (Succeeded)');
		expect(source.request).not.toHaveBeenCalled();
	});

	const refused: Array<[string, Phase, RegExp]> = [
		['p', 'Failed', /Promote podinfo\.apps refused: no analysis in progress \(Failed\)/],
		['r', 'Failed', /Roll back podinfo\.apps refused: no analysis in progress \(Failed\)/],
		['p', 'Initialized', /Promote podinfo\.apps refused: no analysis in progress \(Initialized\)/],
		['p', 'Promoting', /Promote podinfo\.apps refused: promotion already under way \(Promoting\)/],
		['r', 'Finalising', /Roll back podinfo\.apps refused: promotion already under way \(Finalising\)/],
	];
	for (const [key, phase, reason] of refused) {
		it(`${key} when ${phase} is refused: ${reason.source}`, async () => {
			const source = fakeSource([view({phase})]);
			const app = await renderApp(source);
			const frame = await app.press(key, 'y');
			expect(footer(frame)).toMatch(reason);
			expect(source.request).not.toHaveBeenCalled();
		});
	}

	it('r while Waiting and p while WaitingPromotion are allowed', async () => {
		const source = fakeSource([view({phase: 'Waiting'}), view({name: 'two', phase: 'WaitingPromotion'})]);
		const app = await renderApp(source);
		await app.press('r', 'y', 'j', 'p', 'y');
		expect(source.request.mock.calls).toEqual([
			['rollback', 'podinfo.apps'],
			['promote', 'two.apps'],
		]);
	});

	for (const key of ['p', 'r', ' ']) {
		it(`${JSON.stringify(key)} in a read-only source is refused: read-only (--readonly)`, async () => {
			const source = fakeSource([view({phase: 'Progressing'})], {readonly: true});
			const app = await renderApp(source);
			const frame = await app.press(key, 'y');
			expect(footer(frame)).toMatch(/^ (Promote|Roll back|Pause) refused: read-only \(--readonly\)$/);
			expect(frame).not.toContain('y/n');
			expect(source.request).not.toHaveBeenCalled();
		});
	}

	it('with no canary, p says there is none', async () => {
		const source = fakeSource([]);
		const app = await renderApp(source);
		const frame = await app.press('p', 'y');
		expect(footer(frame)).toContain('no canary selected');
		expect(source.request).not.toHaveBeenCalled();
	});
});

describe('demo keys', () => {
	const cases = [
		['n', 'next', 'shipping podinfo 6.0.2'],
		['a', 'togglePolicy', 'policy: A/B test (Firefox and curl users) from the next release'],
		['e', 'toggleErrors', 'the canary now answers 10% of requests with HTTP 500'],
		['l', 'toggleSlow', 'the canary now answers 1.5s late'],
	] as const;
	for (const [key, spy, notice] of cases) {
		it(`${key} calls demo.${spy}() and shows its notice`, async () => {
			const source = fakeSource([view()]);
			const app = await renderApp(source);
			await app.press(key);
			expect(source.demoSpies[spy]).toHaveBeenCalledTimes(1);
			for (const other of Object.keys(source.demoSpies) as Array<keyof typeof source.demoSpies>) {
				if (other !== spy) expect(source.demoSpies[other]).not.toHaveBeenCalled();
			}
			expect(footer(await app.waitFor(notice))).toContain(notice);
			expect(source.request).not.toHaveBeenCalled();
		});
	}

	it('work with no canary at all (the demo before its first release)', async () => {
		const source = fakeSource([]);
		const app = await renderApp(source);
		await app.press('n');
		expect(source.demoSpies.next).toHaveBeenCalledTimes(1);
		await app.waitFor('shipping podinfo');
	});

	it('show a failing demo action as a notice', async () => {
		const source = fakeSource([view()]);
		source.demoSpies.next.mockRejectedValueOnce(new Error('kustomization.yaml: permission denied'));
		const app = await renderApp(source);
		await app.press('n');
		expect(footer(await app.waitFor('permission denied'))).toContain('kustomization.yaml: permission denied');
	});

	it('do nothing outside the demo', async () => {
		const source = fakeSource([view()], {demo: false});
		const app = await renderApp(source);
		const frame = await app.press('n', 'a', 'e', 'l');
		for (const spy of Object.values(source.demoSpies)) expect(spy).not.toHaveBeenCalled();
		expect(footer(frame)).not.toMatch(/shipping|policy|answers/);
	});

	it('the footer names them as demo keys at 120 columns', async () => {
		const app = await renderApp(fakeSource([view()]), {columns: 120, rows: 40});
		expect(footer(app.frame())).toMatch(/demo: n next\s+a A\/B\s+e 500s\s+l slow/);
	});
});
