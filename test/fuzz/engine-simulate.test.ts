// The offline simulator over generated valid canaries, traces and webhook scripts: whatever
// the spec, a release ends cleanly and keeps Flagger's invariants (semantics §1.3 threshold
// default, §1.4 failedChecks, §3.1 step 24, §3.5 weights within 0..100).
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {validateCanary} from '../../source/core/spec/canary-validate.js';
import {simulate} from '../../source/simulate/simulate.js';
import {parseTrace} from '../../source/simulate/trace.js';
import {parseWebhookFlags} from '../../source/simulate/webhook-script.js';
import {buildCanary, effectiveThreshold, intervals, scenario, type Scenario} from './canary-arbitraries.js';
import {caseCounter, check, fuzzTimeout, runs} from './fuzz-budget.js';

const second = 1_000_000_000;
// Long enough for most releases to end; a stuck one (a confirm hook failing forever) stops here.
const maxTicks = 60;
const counted = caseCounter('simulated releases');

function simulateScenario(s: Scenario) {
	const canary = buildCanary(s);
	expect(validateCanary(canary)).toEqual([]);
	const parsedTrace = s.trace === undefined ? undefined : parseTrace(s.trace, 'trace.csv');
	expect(parsedTrace?.errors ?? []).toEqual([]);
	const script = parseWebhookFlags(s.hooks.flatMap(h => (h.script ? [h.script] : [])), canary.spec.analysis!.webhooks!);
	expect(script.errors).toEqual([]);
	return simulate(canary, {trace: parsedTrace?.trace, webhooks: script.script, limit: maxTicks * intervals[s.interval] * second});
}

describe('simulate over generated specs', () => {
	it('ends cleanly, weights in 0..100, failedChecks within the threshold, never promoted after reaching it', () => {
		fc.assert(
			fc.property(scenario, s => {
				counted();
				const result = simulateScenario(s);
				const threshold = effectiveThreshold(s);
				expect(['Succeeded', 'Failed', 'timeout']).toContain(result.outcome);
				let reached = false;
				// Plain checks in the loop: expect() per record would dominate the run time.
				for (const [i, record] of result.records.entries()) {
					const at = `record ${i} (${record.message})`;
					check(record.weight >= 0 && record.weight <= 100, `${at}: weight ${record.weight} outside 0..100`);
					check(record.failedChecks <= threshold, `${at}: failedChecks ${record.failedChecks} above the threshold ${threshold}`);
					check(record.canary === 'podinfo.apps', `${at}: canary ${record.canary}`);
					check(i === 0 || record.time >= result.records[i - 1]!.time, `${at}: time went backwards`);
					if (record.failedChecks >= threshold) reached = true;
					check(!reached || !(['Promoting', 'Finalising', 'Succeeded'].includes(record.phase) || /^(Copying|Promotion completed)/.test(record.message)), `${at}: promoted after failedChecks reached ${threshold}`);
				}
				expect(result.status.canaryWeight).toBeGreaterThanOrEqual(0);
				expect(result.status.canaryWeight).toBeLessThanOrEqual(100);
				const log = result.records.map(record => record.message);
				if (result.outcome === 'Succeeded') {
					expect(reached).toBe(false);
					expect(result.status.phase).toBe('Succeeded');
					expect(log.some(message => message.startsWith('Promotion completed!'))).toBe(true);
				}
				if (result.outcome === 'Failed') {
					expect(result.status.phase).toBe('Failed');
					expect(log).toContain('Canary failed! Scaling down podinfo.apps');
					expect(result.status.failedChecks).toBe(0);
					expect(result.status.canaryWeight).toBe(0);
				}
				if (result.outcome === 'timeout') expect(['Failed', 'Succeeded']).not.toContain(result.status.phase);
			}),
			{numRuns: runs(1500)},
		);
	}, fuzzTimeout);
});
