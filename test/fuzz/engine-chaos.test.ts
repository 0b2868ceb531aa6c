// The engine (core/engine/tick.ts) driven tick after tick by a hostile world: random webhook
// and metric answers (NaN, ±Infinity, negative values included), workloads that are not
// ready, router reads and writes that fail, status writes lost to conflicts, new revisions
// mid-run. Whatever happens it must not throw, and what it writes must stay sane: weights in
// 0..100 adding up to 100, failedChecks never above the threshold, no promotion once
// failedChecks reached the threshold.
import fc from 'fast-check';
import {describe, it} from 'vitest';
import {driveSync} from '../../source/core/engine/drive.js';
import type {Answer, Op, Routes} from '../../source/core/engine/ops.js';
import {tick} from '../../source/core/engine/tick.js';
import {rfc3339} from '../../source/core/format/rfc3339.js';
import type {CanaryStatus} from '../../source/core/spec/types.js';
import {buildCanary, effectiveThreshold, scenario} from './canary-arbitraries.js';
import {caseCounter, check, fuzzTimeout, runs} from './fuzz-budget.js';
import {seeded as seededRandom} from '../local/http/helpers.js';

const ticksPerRun = 30;
const counted = caseCounter('engine runs of 30 ticks against random answers');
const metricValues = [NaN, Infinity, -Infinity, -1, 0, 0.5, 50, 99, 99.9, 100, 250, 501, 1e9];

const initialized = (): CanaryStatus => ({
	phase: 'Initialized',
	failedChecks: 0,
	canaryWeight: 0,
	iterations: 0,
	lastAppliedSpec: 'rev-0',
	lastPromotedSpec: 'rev-0',
	lastTransitionTime: rfc3339(0),
});

describe('the engine against a hostile world', () => {
	it('never throws, keeps weights and failedChecks in bounds and never promotes past the threshold', () => {
		fc.assert(
			fc.property(scenario, fc.integer(), (s, seed) => {
				counted();
				const canary = buildCanary(s);
				const threshold = effectiveThreshold(s);
				const random = seededRandom(seed);
				const chance = (p: number) => random() < p;
				const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
				let status = initialized();
				let revision = 1;
				let routes: Routes = {primary: 100, canary: 0, mirrored: false};
				// failedChecks reached the threshold in this run (a written status with 0 starts a new one).
				let reached = false;
				const trace: string[] = [];
				const fail = (message: string) => `${message}\n(seed ${seed}; last ops: ${trace.slice(-12).join(' | ')})`;
				const answer = (op: Op): Answer => {
					trace.push(op.op === 'event' ? `event ${op.message}` : op.op === 'writeStatus' ? `writeStatus ${op.status.phase} w${op.status.canaryWeight} f${op.status.failedChecks}` : op.op);
					switch (op.op) {
						case 'event':
						case 'log':
						case 'alert':
							return;
						case 'writeStatus': {
							const next = op.status;
							check(Number.isInteger(next.canaryWeight) && next.canaryWeight >= 0 && next.canaryWeight <= 100, fail(`status canaryWeight ${next.canaryWeight} outside 0..100`));
							check(next.failedChecks >= 0 && next.failedChecks <= threshold, fail(`status failedChecks ${next.failedChecks} outside 0..${threshold}`));
							// WaitingPromotion sets iterations to analysis.iterations - 1, so -1 without iterations (Flagger's quirk).
							check(Number.isInteger(next.iterations) && next.iterations >= -1, fail(`status iterations ${next.iterations}`));
							if (chance(0.1)) return {ok: false, error: 'Operation cannot be fulfilled: the object has been modified'};
							if (next.failedChecks === 0) reached = false;
							check(!(reached && ['Promoting', 'Finalising', 'Succeeded'].includes(next.phase)), fail(`phase ${next.phase} after failedChecks reached ${threshold}`));
							if (next.failedChecks >= threshold) reached = true;
							return {ok: true};
						}
						case 'webhook':
							return chance(0.7) ? {ok: true} : {ok: false, error: pick(['unexpected HTTP status 500', 'context deadline exceeded', '\u001b[31mred\u001b[0m'])};
						case 'metric':
							if (chance(0.15)) return {ok: false, noData: chance(0.5), error: 'no values found'};
							return {ok: true, value: pick(metricValues)};
						case 'primaryReady':
						case 'canaryReady':
							if (chance(0.85)) return {ready: true};
							return {ready: false, retriable: chance(0.7), error: `${op.op === 'primaryReady' ? 'primary' : 'canary'} deployment not ready`};
						case 'getRoutes':
							if (chance(0.05)) return {ok: false, error: 'router unavailable'};
							return {ok: true, ...routes};
						case 'setRoutes':
							check(op.primary >= 0 && op.primary <= 100 && op.canary >= 0 && op.canary <= 100, fail(`routes ${op.primary}/${op.canary} outside 0..100`));
							check(op.primary + op.canary === 100, fail(`routes ${op.primary}/${op.canary} do not add up to 100`));
							if (chance(0.05)) return {ok: false, error: 'router write failed'};
							routes = {primary: op.primary, canary: op.canary, mirrored: op.mirrored};
							return {ok: true};
						case 'promote':
							check(!reached, fail(`promote after failedChecks reached ${threshold}`));
							return chance(0.95) ? {ok: true} : {ok: false, error: 'promote failed'};
						default:
							return chance(0.95) ? {ok: true} : {ok: false, error: `${op.op} failed`};
					}
				};
				for (let n = 0; n < ticksPerRun; n++) {
					if (chance(0.04)) revision++;
					trace.push(`-- tick ${n} (${status.phase}, rev-${revision})`);
					status = driveSync(tick({canary: {...canary, status}, revision: {hash: `rev-${revision}`}, now: rfc3339(n * 10_000)}), answer);
				}
			}),
			{numRuns: runs(1000)},
		);
	}, fuzzTimeout);
});
