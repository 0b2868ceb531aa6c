// Resident memory with 1,000 canaries, each with a full event log (eventLogCapacity events) and full metric
// series (60 points per metric), and whether it stays flat over 30 accelerated minutes.
import {eventLogCapacity} from '../source/events/event-log.js';
import {below, slope, type Figure} from './figures.js';
import {startFleet} from './fleet-process.js';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const mb = (value: number) => Number(value.toFixed(1));

export async function memoryFigures(harness: string, options: {quick: boolean}): Promise<Figure[]> {
	const canaries = 1000;
	const speed = 15;
	const virtualMinutes = options.quick ? 10 : 30;
	const releasesPerStep = 10;
	const fleet = startFleet(harness, ['--canaries', String(canaries), '--fill', '--speed', String(speed), '--sample-every', '3', '--releases', String(releasesPerStep)]);
	try {
		const ready = await fleet.ready;
		await sleep((virtualMinutes * 60_000) / speed + 1500);
		const samples = fleet.samples;
		const last = samples.at(-1);
		const heapGrowth = last ? last.heapUsedMB - ready.memory.heapUsedMB : Number.NaN;
		const rssSlope = slope(samples.map(s => [s.virtualMinutes, s.rssMB])) * 10;
		const heapSlope = slope(samples.map(s => [s.virtualMinutes, s.heapUsedMB])) * 10;
		const before = ready.beforeFill;
		const events = canaries * eventLogCapacity;
		const perEventBytes = before ? ((ready.memory.heapUsedMB - before.heapUsedMB) * 2 ** 20) / events : Number.NaN;
		const setup = `the local in-memory cluster (bench/fleet.ts, bundled like dist/cli.js) with ${canaries} canaries (App Mesh, one pod each: a real HTTP listener per pod), all Initialized at --speed ${speed}, the dashboard rendering into a virtual 80x24 terminal; then every event log filled to its ${eventLogCapacity} events and every metric series to its 60 points`;
		return [
			below(
				{
					group: 'memory',
					name: `resident memory, ${canaries} canaries with full logs`,
					value: ready.memory.rssMB,
					unit: 'MB',
					method: `RSS after a full GC (global.gc, --expose-gc): ${setup}. What costs what: before filling the logs RSS ${before ? mb(before.rssMB) : '?'} MB, heap used ${before ? mb(before.heapUsedMB) : '?'} MB; after, heap used ${mb(ready.memory.heapUsedMB)} MB (${perEventBytes.toFixed(0)} bytes per recorded event, ${events} events), heap reserved ${mb(ready.memory.heapTotalMB)} MB`,
					detail: {ready},
				},
				150,
			),
			below(
				{
					group: 'memory',
					name: `  heap growth over ${virtualMinutes} accelerated minutes`,
					value: heapGrowth,
					unit: 'MB',
					method: `the same process for ${virtualMinutes} virtual minutes at --speed ${speed} (${((virtualMinutes * 60) / speed).toFixed(0)} s), ${releasesPerStep} new releases every 3 virtual minutes (no traffic: their metrics read no data, so they roll back after 5 failed checks, writing events and series); heap used and RSS after a full GC every 3 s; value = last heap used - first. Slopes (least squares) per 10 virtual minutes: heap used ${heapSlope.toFixed(2)} MB, RSS ${rssSlope.toFixed(2)} MB (RSS falls while V8 hands back pages reserved during the fill)`,
					detail: {heapSlopeMBPer10Minutes: heapSlope, rssSlopeMBPer10Minutes: rssSlope, samples: samples.map(s => ({minutes: mb(s.virtualMinutes), rssMB: mb(s.rssMB), heapUsedMB: mb(s.heapUsedMB)}))},
				},
				5,
			),
		];
	} finally {
		await fleet.stop();
	}
}
