// A child process of `npm run bench`: the local cluster with a fleet of N canaries, the
// controller ticking on the real clock (optionally faster), the dashboard rendering into a
// virtual 80x24 terminal, no user traffic. It prints JSON lines on stdout:
//   {"ready": …}   once every canary is Initialized (and, with --fill, every log is full);
//   {"sample": …}  with --sample-every S: RSS and heap after a full GC, every S wall seconds.
// Bundled by bench/run.ts with the shipped bundle's esbuild options, run with --expose-gc.
import {rm} from 'node:fs/promises';
import {PassThrough, Writable} from 'node:stream';
import {realClock} from '../source/clock.js';
import {eventLogCapacity, recordedEvent} from '../source/events/event-log.js';
import {demoDashboard} from '../source/local/demo-dashboard.js';
import {LocalDemo} from '../source/local/demo.js';
import type {Canary} from '../source/core/spec/types.js';
import {fleetName, fleetNamespace, writeFleetFolder} from './fleet-folder.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
	const index = args.indexOf(name);
	return index >= 0 ? Number(args[index + 1]) : fallback;
};
const canaries = option('--canaries', 1);
const speed = option('--speed', 1);
const sampleEvery = option('--sample-every', 0);
/** With --releases K: every 3 virtual minutes, the next K canaries get a new image tag. */
const releases = option('--releases', 0);
const fill = args.includes('--fill');
const dashboard = !args.includes('--no-dashboard');

const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const gc = (globalThis as {gc?: () => void}).gc;
function memory() {
	gc?.();
	const usage = process.memoryUsage();
	return {rssMB: usage.rss / 2 ** 20, heapUsedMB: usage.heapUsed / 2 ** 20, heapTotalMB: usage.heapTotal / 2 ** 20, externalMB: usage.external / 2 ** 20, arrayBuffersMB: usage.arrayBuffers / 2 ** 20};
}

/** A terminal nobody looks at: counts the bytes the dashboard writes. */
class VirtualTerminal extends Writable {
	readonly isTTY = true;
	columns = 80;
	rows = 24;
	bytes = 0;
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.bytes += chunk.length;
		done();
	}
}

const dir = await writeFleetFolder(canaries);
const clock = realClock(speed);
const demo = new LocalDemo({dir, port: 0, clock, trafficRate: 0, notice: () => {}});
await demo.start();

const terminal = new VirtualTerminal();
let stopTui: () => void = () => {};
let tuiDone: Promise<void> = Promise.resolve();
if (dashboard) {
	process.env['CI'] = 'false';
	const {runTui} = await import('../source/ui/run-tui.js');
	const keys = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => keys, ref: () => keys, unref: () => keys});
	tuiDone = runTui(demoDashboard(demo, {dir, requester: 'bench', readonly: true}), {color: true, ascii: false, stdout: terminal as unknown as NodeJS.WriteStream, stdin: keys as unknown as NodeJS.ReadStream}, new Promise<void>(resolve => (stopTui = resolve)));
}

const phase = (c: Canary) => c.status?.phase;
const phases = () => {
	const counts = new Map<string, number>();
	for (const canary of demo.canaries()) counts.set(phase(canary) ?? 'none', (counts.get(phase(canary) ?? 'none') ?? 0) + 1);
	return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
};
const progress = args.includes('--progress');
let lastProgress = Date.now();
const started = Date.now();
while (!demo.canaries().every(c => phase(c) === 'Initialized' || phase(c) === 'Succeeded')) {
	if (Date.now() - started > 240_000) throw new Error(`fleet not initialized after 240 s: ${phases()}`);
	await new Promise(resolve => setTimeout(resolve, 200));
	if (progress && Date.now() - lastProgress > 5000) {
		lastProgress = Date.now();
		process.stderr.write(`${phases()}\n`);
	}
}

/** Full rings: eventLogCapacity events and 60 points per metric for every canary, as after many releases. */
function fillLogs(): void {
	for (const canary of demo.canaries()) {
		const key = `${canary.metadata.name}.${canary.metadata.namespace}`;
		for (let i = 0; i < eventLogCapacity; i++) {
			const message = i % 10 === 0 ? `New revision detected! Scaling up ${key}` : `Advance ${key} canary weight ${5 * (i % 10)}`;
			demo.events.record(canary, recordedEvent(canary, {op: 'event', type: 'Normal', error: false, message, phase: 'Progressing'}, clock.now() - (eventLogCapacity - i) * 15_000));
		}
		for (let i = 0; i < 60; i++) {
			const time = clock.now() - (60 - i) * 15_000;
			demo.series.record(key, 'request-success-rate', 'request-success-rate', {ok: true, value: 99 + (i % 10) / 10}, time);
			demo.series.record(key, 'request-duration', 'request-duration', {ok: true, value: 100 + i}, time);
		}
	}
}
const beforeFill = fill ? memory() : undefined;
if (fill) fillLogs();
emit({ready: {canaries: demo.canaries().length, phases: phases(), seconds: (Date.now() - started) / 1000, memory: memory(), beforeFill, terminalBytes: terminal.bytes}});

let nextRelease = 0;
let version = 0;
async function release(): Promise<void> {
	version++;
	for (let i = 0; i < releases; i++) {
		const name = fleetName((nextRelease + i) % canaries);
		const deployment = structuredClone(demo.store.getSync('Deployment', fleetNamespace, name));
		if (!deployment) continue;
		deployment.spec.template.spec.containers[0].image = `ghcr.io/stefanprodan/podinfo:5.1.${version}`;
		await demo.store.update(deployment).catch(() => {});
	}
	nextRelease += releases;
}
const timers: NodeJS.Timeout[] = [];
if (releases > 0) timers.push(setInterval(() => void release(), 180_000 / speed));
if (sampleEvery > 0) {
	const begin = clock.now();
	timers.push(setInterval(() => emit({sample: {virtualMinutes: (clock.now() - begin) / 60_000, ...memory(), terminalBytes: terminal.bytes}}), sampleEvery * 1000));
}

process.once('SIGTERM', () => {
	for (const timer of timers) clearInterval(timer);
	stopTui();
	void tuiDone
		.then(() => demo.stop())
		.finally(() => rm(dir, {recursive: true, force: true}).finally(() => process.exit(0)));
});
