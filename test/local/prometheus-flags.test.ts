// `canary-tui demo --prometheus URL` and `--print-prometheus-config`: bad input is one line on
// stderr naming the flag, exit 2, and nothing started or written.
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {demoCommand, type DemoFlags} from '../../source/commands/demo-command.js';
import {prometheusAddressProblem} from '../../source/local/metrics/prometheus-address.js';

let scratch: string;
let savedTmp: string | undefined;

beforeAll(async () => {
	// The demo writes the seed folder under TMPDIR: an empty one shows nothing was written.
	scratch = await mkdtemp(join(tmpdir(), 'prometheus-flags-'));
	savedTmp = process.env['TMPDIR'];
	process.env['TMPDIR'] = scratch;
});

afterAll(async () => {
	if (savedTmp === undefined) delete process.env['TMPDIR'];
	else process.env['TMPDIR'] = savedTmp;
	await rm(scratch, {recursive: true, force: true});
});

async function demo(flags: Partial<DemoFlags>) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await demoCommand({speed: 1, port: 8080, ...flags}, {stdout: line => out.push(line), stderr: line => err.push(line)});
	return {code, out, err};
}

describe('demo --prometheus URL', () => {
	it.each([
		['localhost:9090', '--prometheus: expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090, got "localhost:9090" (no http:// in front)'],
		['', '--prometheus: expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090, got ""'],
		['ftp://127.0.0.1:9090', '--prometheus: expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090, got "ftp://127.0.0.1:9090"'],
		['http://', '--prometheus: expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090, got "http://"'],
		['http://127.0.0.1:9090/?x=1', '--prometheus: expected the http:// or https:// URL of a Prometheus server, like http://127.0.0.1:9090 without ?query or #fragment, got "http://127.0.0.1:9090/?x=1"'],
	])('refuses %j: exit 2, one line, nothing started or written', async (url, message) => {
		const {code, out, err} = await demo({prometheus: url});
		expect(code).toBe(2);
		expect(err).toEqual([message]);
		expect(out).toEqual([]);
		expect(await readdir(scratch)).toEqual([]);
	});

	it.each(['http://127.0.0.1:9090', 'https://prometheus.example.com/prom', 'http://[::1]:9090/'])('accepts %s', url => {
		expect(prometheusAddressProblem(url)).toBeUndefined();
	});

	it('is checked with --print-prometheus-config too', async () => {
		const {code, err} = await demo({prometheus: 'prometheus:9090', printPrometheusConfig: true});
		expect(code).toBe(2);
		expect(err[0]).toMatch(/^--prometheus: /);
	});
});

describe('demo --print-prometheus-config', () => {
	it('prints the config for --port and --speed and exits 0 without starting the demo', async () => {
		const {code, out, err} = await demo({printPrometheusConfig: true, port: 18080, speed: 10});
		expect(code).toBe(0);
		expect(err).toEqual([]);
		const text = out.join('\n');
		expect(text).toContain("      - targets: ['127.0.0.1:18080']");
		expect(text).toContain('  scrape_interval: 500ms');
		expect(await readdir(scratch)).toEqual([]);
	});

	it('refuses --port 0, which leaves nothing to scrape', async () => {
		const {code, out, err} = await demo({printPrometheusConfig: true, port: 0});
		expect(code).toBe(2);
		expect(out).toEqual([]);
		expect(err).toEqual(['--port: expected the port the demo will listen on (1 to 65535) for --print-prometheus-config to scrape, got 0']);
	});

	it('checks --speed first', async () => {
		const {code, err} = await demo({printPrometheusConfig: true, speed: 0});
		expect(code).toBe(2);
		expect(err).toEqual(['--speed: expected a number from 0 (exclusive) to 1000, got 0']);
	});
});
