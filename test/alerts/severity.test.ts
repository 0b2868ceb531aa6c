// Severity routing of analysis.alerts[] (semantics §4.4) and our fix of quirk Q4.
import {describe, expect, it} from 'vitest';
import {routesTo} from '../../source/alerts/severity.js';

describe('alert severity routing', () => {
	const table: Array<[subscribed: '' | 'info' | 'warn' | 'error', gets: string[]]> = [
		['info', ['info', 'warn', 'error']],
		['warn', ['warn', 'error']],
		['error', ['error']],
		// Flagger sends an empty severity nothing; the CRD documents "default info", so we do that.
		['', ['info', 'warn', 'error']],
	];
	for (const [subscribed, gets] of table) {
		it(`${subscribed || '(empty)'} gets ${gets.join(', ')}`, () => {
			const routed = (['info', 'warn', 'error'] as const).filter(severity => routesTo(subscribed, severity));
			expect(routed).toEqual(gets);
		});
	}

	it('an alert without a severity field counts as info', () => {
		expect(routesTo(undefined, 'info')).toBe(true);
	});
});
