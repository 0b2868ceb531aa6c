// The pure engine in-process: the seed's whole story on the virtual clock, and one tick's cost.
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {driveSync} from '../source/core/engine/drive.js';
import {tick} from '../source/core/engine/tick.js';
import {loadCanaries} from '../source/core/spec/load-canaries.js';
import type {Canary} from '../source/core/spec/types.js';
import {simulate} from '../source/simulate/simulate.js';
import {parseTrace} from '../source/simulate/trace.js';
import {below, type Figure} from './figures.js';

const root = new URL('..', import.meta.url).pathname;

function canaryFrom(file: string): Canary {
	const loaded = loadCanaries(readFileSync(`${root}${file}`, 'utf8'), file, {namespace: 'apps'});
	if (!loaded.canaries[0]) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
	return loaded.canaries[0];
}

function seedStory(): Figure {
	const canary = canaryFrom('examples/podinfo/canary.yaml');
	const abtest = canaryFrom('examples/podinfo/abtest.yaml');
	const trace = parseTrace(readFileSync(`${root}examples/podinfo/trace-rollback.csv`, 'utf8'), 'trace').trace!;
	const runs = 50;
	const start = performance.now();
	for (let i = 0; i < runs; i++) {
		simulate(canary);
		simulate(abtest);
		simulate(abtest, {trace});
	}
	return below({group: 'engine', name: "seed's whole story on the virtual clock", value: (performance.now() - start) / runs, unit: 'ms', method: `three simulated releases (canary, A/B, rollback) on the virtual clock, mean of ${runs} runs in-process (tsx)`}, 1000);
}

function engineTick(): Figure {
	const canary = {...canaryFrom('examples/podinfo/canary.yaml'), status: {phase: 'Progressing' as const, failedChecks: 0, canaryWeight: 25, iterations: 0, lastAppliedSpec: 'b', lastPromotedSpec: 'a', lastTransitionTime: ''}};
	const answer = (op: {op: string; kind?: string}) => {
		if (op.op === 'primaryReady' || op.op === 'canaryReady') return {ready: true};
		if (op.op === 'getRoutes') return {ok: true, primary: 75, canary: 25, mirrored: false};
		if (op.op === 'metric') return {ok: true, value: op.kind === 'request-success-rate' ? 99.9 : 120};
		if (op.op === 'event' || op.op === 'log' || op.op === 'alert') return undefined;
		return {ok: true};
	};
	const runs = 20_000;
	const start = performance.now();
	for (let i = 0; i < runs; i++) driveSync(tick({canary, revision: {hash: 'b'}, now: '2020-11-14T12:03:39Z'}), answer as never);
	return below({group: 'engine', name: 'engine cost per tick per canary', value: ((performance.now() - start) * 1000) / runs, unit: 'µs', method: `a Progressing weighted tick with two metrics and a rollout hook, ${runs} ticks with synchronous answers (the engine alone: no store, no HTTP)`}, 50);
}

export function engineFigures(): Figure[] {
	return [seedStory(), engineTick()];
}
