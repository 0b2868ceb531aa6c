// npm run bench [-- --quick] [-- --only startup,terminal,cpu,memory,engine,cluster]
// Speed and memory figures, each with its goal and method: prints a table, writes bench.json.
// Nothing here is a pass/fail test; a goal missed is printed as MISSED with its figure.
//
// Order: the engine and start-up figures run alone (they time the wall clock); then three lanes
// at once, to stay under 10 minutes: the terminal-bytes sessions (tmux, mostly waiting), the
// idle-CPU and then the memory fleets, and the cluster figures. CPU figures are CPU time from
// /proc and request counts, which other work on the machine does not add to.
import {execFileSync} from 'node:child_process';
import {existsSync, rmSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundleHarness} from './bundle.js';
import {clusterFigures} from './cluster.js';
import {engineFigures} from './engine.js';
import {table, type Figure} from './figures.js';
import {idleCpuFigures} from './idle-cpu.js';
import {memoryFigures} from './memory.js';
import {machine} from './proc.js';
import {startupFigures} from './startup.js';
import {terminalBytesFigures} from './terminal-bytes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : undefined;
const wanted = (group: string) => !only || only.has(group);
const began = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);

async function step(group: string, run: () => Promise<Figure[]> | Figure[]): Promise<Figure[]> {
	if (!wanted(group)) return [];
	log(`${group} …`);
	try {
		const figures = await run();
		log(`${group} done`);
		return figures;
	} catch (error) {
		log(`${group} FAILED: ${(error as Error).stack ?? error}`);
		return [{group, name: `${group}: the measurement failed`, value: null, unit: '', method: '', note: `FAILED: ${(error as Error).message}`}];
	}
}

execFileSync(process.execPath, [`${root}scripts/build.mjs`], {stdio: 'inherit'});
const harness = wanted('cpu') || wanted('memory') ? await bundleHarness(`${root}bench/fleet.ts`) : '';
const getWatchBuilt = existsSync(`${root}source/commands/get-command.ts`);

const figures: Figure[] = [];
figures.push(...(await step('engine', engineFigures)));
figures.push(...(await step('startup', () => startupFigures({quick}))));
const lanes = await Promise.all([
	step('terminal', () => terminalBytesFigures({quick})),
	(async () => [...(await step('cpu', () => idleCpuFigures(harness, {quick}))), ...(await step('memory', () => memoryFigures(harness, {quick})))])(),
	step('cluster', () => clusterFigures({quick, getWatchCommand: getWatchBuilt})),
]);
if (harness) rmSync(dirname(harness), {recursive: true, force: true});
const order = ['startup', 'terminal', 'cpu', 'memory', 'engine', 'cluster'];
figures.push(...lanes.flat());
figures.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));

const host = machine();
console.log(`\n${table(figures)}\n`);
for (const f of figures.filter(f => f.note)) console.log(`${f.name.trim()}: ${f.note}`);
console.log(`machine: ${host.cores} cores, ${host.cpu}, ${host.memoryGB} GB RAM, Node ${host.node}, Linux ${host.kernel}${quick ? '; --quick' : ''}; ${((performance.now() - began) / 1000).toFixed(0)} s`);
writeFileSync(`${root}bench.json`, `${JSON.stringify({date: new Date().toISOString(), quick, machine: host, seconds: Math.round((performance.now() - began) / 1000), figures}, null, 2)}\n`);
console.log('wrote bench.json (each figure with its goal, pass/miss and method)');
