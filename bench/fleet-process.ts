// Starts bench/fleet.ts (bundled) as a child process and reads its JSON lines.
import {spawn, type ChildProcess} from 'node:child_process';
import {createInterface} from 'node:readline';

export type FleetMemory = {rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number};
export type FleetReady = {canaries: number; phases: string; seconds: number; memory: FleetMemory; beforeFill?: FleetMemory; terminalBytes: number};
export type FleetSample = FleetMemory & {virtualMinutes: number; terminalBytes: number};

export type FleetProcess = {
	child: ChildProcess;
	ready: Promise<FleetReady>;
	samples: FleetSample[];
	stop(): Promise<void>;
};

export function startFleet(harness: string, args: string[]): FleetProcess {
	const child = spawn(process.execPath, ['--expose-gc', harness, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const samples: FleetSample[] = [];
	let stderr = '';
	child.stderr!.on('data', chunk => (stderr = (stderr + String(chunk)).slice(-4000)));
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	const ready = new Promise<FleetReady>((resolve, reject) => {
		createInterface({input: child.stdout!}).on('line', line => {
			try {
				const parsed = JSON.parse(line) as {ready?: FleetReady; sample?: FleetSample};
				if (parsed.ready) resolve(parsed.ready);
				if (parsed.sample) samples.push(parsed.sample);
			} catch {
				// not one of ours
			}
		});
		void exited.then(() => reject(new Error(`the fleet harness ended before it was ready (${args.join(' ')}):\n${stderr}`)));
	});
	ready.catch(() => {});
	return {
		child,
		ready,
		samples,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}
