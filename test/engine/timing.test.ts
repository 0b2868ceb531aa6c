// The virtual clock (DESIGN.md §4; semantics §1.3 interval: default 60s, < 10s raised to 10s,
// unparsable → 60s; Go duration syntax).
import {describe, expect, it} from 'vitest';
import {byTick, makeCanary, newRevision, run, second, starting, weight} from './helpers.js';

const release = (interval: string) => makeCanary({interval, threshold: 1, stepWeight: 50, maxWeight: 50});
const times = (interval: string) => [...new Set(run(release(interval)).records.map(record => record.time / second))];

describe('analysis interval', () => {
	it('ticks every interval: 1m', () => {
		expect(times('1m')).toEqual([0, 60, 120, 180, 240]);
	});

	it('ticks every interval: 30s', () => {
		expect(times('30s')).toEqual([0, 30, 60, 90, 120]);
	});

	it('raises intervals below 10s to 10s', () => {
		expect(times('5s')).toEqual([0, 10, 20, 30, 40]);
		expect(times('0s')).toEqual([0, 10, 20, 30, 40]);
	});

	it('reads Go duration syntax: 1m30s', () => {
		expect(times('1m30s')).toEqual([0, 90, 180, 270, 360]);
	});

	it('falls back to 60s for an unparsable value that still matches the CRD pattern (5sec)', () => {
		expect(times('5sec')).toEqual([0, 60, 120, 180, 240]);
	});

	it('reports ticks and the elapsed virtual time', () => {
		const result = run(release('2m'));
		expect(byTick(result, 120)).toEqual([
			[newRevision],
			[starting, weight(50)],
			['Copying podinfo.apps template spec to podinfo-primary.apps'],
			['Routing all traffic to primary'],
			['Promotion completed! Scaling down podinfo.apps'],
		]);
		expect(result.ticks).toBe(5);
		expect(result.elapsed).toBe(4 * 120 * second);
	});
});
