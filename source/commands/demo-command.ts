// `canary-tui demo [--dir DIR] [--speed N] [--port N] [--script seed] [--output text|json]`
import {realClock} from '../clock.js';
import {formatEventLine, type OutputFormat} from '../events/event-line.js';
import {toEventLine} from '../events/event-log.js';
import {DemoStartError, LocalDemo} from '../local/demo.js';
import {writeSeedFolder} from '../local/gitops/seed-folder.js';
import {runSeedScript} from '../local/seed-script.js';
import {exitCodes, type CommandIO} from './io.js';

export type DemoFlags = {dir?: string; speed: number; port: number; script?: string; output?: string};

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export async function demoCommand(flags: DemoFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const bad = (message: string) => {
		io.stderr(message);
		return exitCodes.badInput;
	};
	const format = (flags.output ?? 'text') as OutputFormat;
	if (format !== 'text' && format !== 'json') return bad(`--output: expected text or json, got "${flags.output}"`);
	if (!(flags.speed > 0 && flags.speed <= 1000)) return bad(`--speed: expected a number from 0 (exclusive) to 1000, got ${flags.speed}`);
	if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) return bad(`--port: expected a port number from 0 to 65535, got ${flags.port}`);
	if (flags.script !== undefined && flags.script !== 'seed') return bad(`--script: expected seed, got "${flags.script}"`);

	// In JSON mode stdout carries only JSON lines, so `| jq .msg` works; notices go to stderr.
	const notice = format === 'json' ? io.stderr : io.stdout;
	const dir = flags.dir ?? (await writeSeedFolder());
	const clock = realClock(flags.speed);
	const demo = new LocalDemo({dir, port: flags.port, clock, notice});
	demo.events.subscribe(event => {
		const line = formatEventLine(toEventLine(event), format);
		io.stdout(format === 'json' ? line : `${clockTime(event.time)} ${event.type === 'Warning' ? 'W' : ' '} ${line}`);
	});
	try {
		await demo.start();
	} catch (error) {
		await demo.stop();
		if (error instanceof DemoStartError) return bad(error.message);
		throw error;
	}
	notice(`export URL=${demo.url}`);
	if (!flags.dir) {
		notice(`manifests: ${dir}`);
		notice(`try:  curl $URL   ·   yq -i '.images[0].newTag = "5.0.1"' ${dir}/kustomization.yaml   ·   watch -n 0.5 curl $URL/status/500`);
	}
	if (flags.speed !== 1) notice(`time runs ${flags.speed}x faster: a 15s analysis interval takes ${(15 / flags.speed).toFixed(2)}s`);

	let stopRequested: () => void = () => {};
	const stopped = new Promise<void>(resolve => (stopRequested = resolve));
	const onSignal = () => stopRequested();
	signals.once('SIGINT', onSignal);
	signals.once('SIGTERM', onSignal);
	try {
		if (flags.script === 'seed') {
			const script = runSeedScript({demo, dir, clock, notice});
			const result = await Promise.race([script, stopped.then(() => undefined)]);
			if (!result) return exitCodes.ok;
			const matches = result.length === 3 && result.every(step => step.outcome === step.expected);
			notice(matches ? 'seed story reproduced: promoted, promoted, rolled back' : `seed story differs: ${result.map(s => `${s.name}: ${s.outcome}`).join('; ')}`);
			return matches ? exitCodes.ok : exitCodes.failed;
		}
		await stopped;
		return exitCodes.ok;
	} finally {
		signals.off('SIGINT', onSignal);
		signals.off('SIGTERM', onSignal);
		await demo.stop();
	}
}
