// `canary-tui demo [--dir DIR] [--speed N] [--port N] [--script seed] [--output text|json]`
import {realClock} from '../clock.js';
import {formatEventLine, type OutputFormat} from '../events/event-line.js';
import {toEventLine} from '../events/event-log.js';
import {DemoStartError, LocalDemo} from '../local/demo.js';
import {writeSeedFolder} from '../local/gitops/seed-folder.js';
import {runSeedScript} from '../local/seed-script.js';
import {demoDashboard} from '../local/demo-dashboard.js';
import {requester} from './requester.js';
import {exitCodes, type CommandIO} from './io.js';
import {untilSignal} from './until-signal.js';
import {clockTime} from '../ui/format.js';

export type DemoFlags = {dir?: string; speed: number; port: number; script?: string; output?: string; once?: boolean; color?: boolean; ascii?: boolean; readonly?: boolean};


export async function demoCommand(flags: DemoFlags, io: CommandIO, signals: NodeJS.Process = process): Promise<number> {
	const bad = (message: string) => {
		io.stderr(message);
		return exitCodes.badInput;
	};
	const format = (flags.output ?? 'text') as OutputFormat;
	// The dashboard when a person is watching; plain lines for pipes, files and --output.
	const interactive = flags.output === undefined && !flags.once && process.stdout.isTTY === true && process.stdin.isTTY === true;
	if (format !== 'text' && format !== 'json') return bad(`--output: expected text or json, got "${flags.output}"`);
	if (!(flags.speed > 0 && flags.speed <= 1000)) return bad(`--speed: expected a number from 0 (exclusive) to 1000, got ${flags.speed}`);
	if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) return bad(`--port: expected a port number from 0 to 65535, got ${flags.port}`);
	if (flags.script !== undefined && flags.script !== 'seed') return bad(`--script: expected seed, got "${flags.script}"`);

	// In JSON mode stdout carries only JSON lines, so `| jq .msg` works; notices go to stderr.
	const notice = format === 'json' ? io.stderr : io.stdout;
	const dir = flags.dir ?? (await writeSeedFolder());
	const clock = realClock(flags.speed);
	const demo = new LocalDemo({dir, port: flags.port, clock, notice});
	if (!interactive && !flags.once) {
		demo.events.subscribe(event => {
			const line = formatEventLine(toEventLine(event), format);
			io.stdout(format === 'json' ? line : `${clockTime(event.time)} ${event.type === 'Warning' ? 'W' : ' '} ${line}`);
		});
	}
	try {
		await demo.start();
	} catch (error) {
		await demo.stop();
		if (error instanceof DemoStartError) return bad(error.message);
		throw error;
	}
	const theme = {color: flags.color !== false && !process.env['NO_COLOR'], ascii: flags.ascii === true};
	const dashboard = () => demoDashboard(demo, {dir, requester: requester(), readonly: flags.readonly === true, url: demo.url});
	if (flags.once) {
		const {renderOnce} = await import('../ui/run-tui.js');
		io.stdout(renderOnce(dashboard(), {...theme, columns: process.stdout.columns || 80, rows: process.stdout.rows || 24}));
		await demo.stop();
		return exitCodes.ok;
	}
	notice(`export URL=${demo.url}`);
	if (!flags.dir) {
		notice(`manifests: ${dir}`);
		notice(`try:  curl $URL   ·   yq -i '.images[0].newTag = "5.0.1"' ${dir}/kustomization.yaml   ·   watch -n 0.5 curl $URL/status/500`);
	}
	if (flags.speed !== 1) notice(`time runs ${flags.speed}x faster: a 15s analysis interval takes ${(15 / flags.speed).toFixed(2)}s`);

	const {stopped, dispose} = untilSignal(signals);
	try {
		if (interactive) {
			// Ink prints only the last frame when CI is set; a person at a terminal wants every frame.
			process.env['CI'] = 'false';
			const {runTui} = await import('../ui/run-tui.js');
			const script = flags.script === 'seed' ? runSeedScript({demo, dir, clock, notice: () => {}}) : undefined;
			script?.catch(() => {});
			await runTui(dashboard(), theme, stopped);
			return exitCodes.ok;
		}
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
		dispose();
		await demo.stop();
	}
}
