// CPU of canary-tui while nothing happens: N canaries Initialized, no release, no user traffic,
// the controller ticking every analysis interval (15 s) and the dashboard on a virtual terminal.
import {below, type Figure} from './figures.js';
import {startFleet} from './fleet-process.js';
import {treeCpuSeconds} from './proc.js';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** For the first minute after a transition the list's "LAST TRANSITION …s ago" counts seconds. */
const settleSeconds = 65;

async function idleFleet(harness: string, canaries: number, goal: number, windowSeconds: number): Promise<Figure> {
	const fleet = startFleet(harness, ['--canaries', String(canaries)]);
	try {
		const ready = await fleet.ready;
		await sleep(settleSeconds * 1000);
		const before = treeCpuSeconds(fleet.child.pid!);
		const start = performance.now();
		await sleep(windowSeconds * 1000);
		const cpu = treeCpuSeconds(fleet.child.pid!) - before;
		const wall = (performance.now() - start) / 1000;
		return below(
			{
				group: 'cpu',
				name: `CPU while idle, ${canaries} canar${canaries === 1 ? 'y' : 'ies'}`,
				value: (cpu / wall) * 100,
				unit: '% of a core',
				method: `utime+stime (/proc) of one process over ${windowSeconds} s: the local in-memory cluster with ${canaries} canaries (seed-like: App Mesh, 2 metrics, interval 15s), all Initialized (took ${ready.seconds.toFixed(0)} s) and then left ${settleSeconds} s so that no "…s ago" counts seconds, no release, no user traffic; the controller ticking each canary every 15 s at --speed 1, the dashboard rendering into a virtual 80x24 terminal (bench/fleet.ts, bundled like dist/cli.js). Includes the embedded cluster itself (its pods' listeners, the mesh, the store)`,
				detail: {cpuSeconds: cpu, wallSeconds: wall, initializeSeconds: ready.seconds, rssMB: ready.memory.rssMB},
			},
			goal,
			'%',
		);
	} finally {
		await fleet.stop();
	}
}

/** Both fleets at once: each figure is the CPU time of its own process. */
export async function idleCpuFigures(harness: string, options: {quick: boolean}): Promise<Figure[]> {
	const windowSeconds = options.quick ? 20 : 60;
	return Promise.all([idleFleet(harness, 1, 1, windowSeconds), idleFleet(harness, 200, 5, windowSeconds)]);
}
