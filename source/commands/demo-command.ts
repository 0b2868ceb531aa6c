// `canary-tui demo [--dir DIR] [--speed N] [--port N] [--script seed] [--output text|json]`
import {realClock} from '../clock.js';
import {formatEventLine, type OutputFormat} from '../events/event-line.js';
import {toEventLine} from '../events/event-log.js';
import {DemoStartError, LocalDemo} from '../local/demo.js';
import {writeSeedFolder} from '../local/gitops/seed-folder.js';
import {runSeedScript} from '../local/seed-script.js';
import type {DeliveryFlags} from '../webhooks/delivery-flags.js';
import {demoDashboard} from '../local/demo-dashboard.js';
import {prometheusAddressProblem} from '../local/metrics/prometheus-address.js';
import {prometheusConfig} from '../local/metrics/prometheus-config.js';
import {requester} from './requester.js';
import {exitCodes, type CommandIO} from './io.js';
import {untilSignal} from './until-signal.js';
import {clockTime} from '../ui/format.js';

export type DemoFlags = DeliveryFlags & {dir?: string; speed: number; port: number; script?: string; output?: string; once?: boolean; color?: boolean; ascii?: boolean; readonly?: boolean; prometheus?: string; printPrometheusConfig?: boolean};


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
	const prometheusProblem = flags.prometheus === undefined ? undefined : prometheusAddressProblem(flags.prometheus);
	if (prometheusProblem) return bad(prometheusProblem);
	if (flags.printPrometheusConfig) {
		if (flags.port === 0) return bad('--port: expected the port the demo will listen on (1 to 65535) for --print-prometheus-config to scrape, got 0');
		io.stdout(prometheusConfig({port: flags.port, speed: flags.speed}).trimEnd());
		return exitCodes.ok;
	}

	// In JSON mode stdout carries only JSON lines, so `| jq .msg` works; notices go to stderr.
	const notice = format === 'json' ? io.stderr : io.stdout;
	const dir = flags.dir ?? (await writeSeedFolder());
	const clock = realClock(flags.speed);
	const demo = new LocalDemo({dir, port: flags.port, clock, notice, prometheus: flags.prometheus, delivery: flags});
	if (!interactive && !flags.once) {
		demo.events.subscribe(event => {
			const line = formatEventLine(toEventLine(event), format);
			io.stdout(format === 'json' ? line : `${clockTime(event.time)} ${event.type === 'Warning' ? 'W' : ' '} ${line}`);
		});
	}
	// Ink reads CI when it loads, and prints only the last frame when it is set: a person at a
	// terminal wants every frame.
	if (interactive) process.env['CI'] = 'false';
	// The dashboard's modules (React, Ink, Yoga's WebAssembly) load while the local cluster starts.
	const tui = interactive || flags.once ? import('../ui/run-tui.js') : undefined;
	tui?.catch(() => {});
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
		const {renderOnce} = await tui!;
		io.stdout(renderOnce(dashboard(), {...theme, columns: process.stdout.columns || 80, rows: process.stdout.rows || 24}));
		await demo.stop();
		return exitCodes.ok;
	}
	notice(`export URL=${demo.url}`);
	if (flags.prometheus) {
		const scraped = `--port ${new URL(demo.url).port}${flags.speed === 1 ? '' : ` --speed ${flags.speed}`}`;
		notice(`metrics: Prometheus at ${flags.prometheus}, which must scrape $URL/metrics (canary-tui demo --print-prometheus-config ${scraped})`);
	}
	if (!flags.dir) {
		notice(`manifests: ${dir}`);
		notice(`try:  curl $URL   ·   yq -i '.images[0].newTag = "5.0.1"' ${dir}/kustomization.yaml   ·   watch -n 0.5 curl $URL/status/500`);
	}
	if (flags.speed !== 1) notice(`time runs ${flags.speed}x faster: a 15s analysis interval takes ${(15 / flags.speed).toFixed(2)}s`);

	const {stopped, dispose} = untilSignal(signals);
	try {
		if (interactive) {
			const {runTui} = await tui!;
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
