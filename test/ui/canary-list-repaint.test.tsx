// The canary list redraws only when a "… ago" text changes: an idle dashboard must not make Ink
// lay out and write its whole frame every second (bench/idle-cpu.ts measures what that costs).
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CanaryList} from '../../source/ui/panels/canary-list.js';
import {NOW, secondsAgo, view} from './fake-source.js';

describe('the canary list repaints only when what it shows changes', async () => {
	let now = NOW;
	const clock = () => now;
	const advance = async (seconds: number) => {
		for (let s = 0; s < seconds; s++) {
			now += 1000;
			await vi.advanceTimersByTimeAsync(1000);
		}
	};
	beforeEach(() => {
		vi.useFakeTimers();
		now = NOW;
	});
	afterEach(() => vi.useRealTimers());

	it('a canary that moved 2 minutes ago: no repaint for the rest of the minute, then one for "3m ago"', async () => {
		const canaries = [view({phase: 'Initialized', lastTransitionTime: secondsAgo(150)})];
		const {frames, lastFrame, unmount} = render(<CanaryList canaries={canaries} selected={0} focused allNamespaces={false} clock={clock} rows={5} />);
		expect(lastFrame()).toContain('2m ago');
		const first = frames.length;
		await advance(29);
		expect(frames.length).toBe(first);
		await advance(2);
		expect(lastFrame()).toContain('3m ago');
		expect(frames.length).toBe(first + 1);
		unmount();
	});

	it('a canary that moved 12 s ago: one repaint per five-second step, never one per second', async () => {
		const canaries = [view({lastTransitionTime: secondsAgo(12)})];
		const {frames, lastFrame, unmount} = render(<CanaryList canaries={canaries} selected={0} focused allNamespaces={false} clock={clock} rows={5} />);
		expect(lastFrame()).toContain('10s ago');
		const first = frames.length;
		await advance(20);
		expect(lastFrame()).toContain('30s ago');
		expect(frames.length).toBe(first + 4); // 15s, 20s, 25s, 30s
		unmount();
	});
});
