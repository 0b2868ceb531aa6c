// A MetricTemplate in the demo's folder, queried through a real Prometheus: the seed canary
// with one templateRef metric — the number of HTTP 5xx its pods served in the last minute
// (`{{ interval }}`, scaled by --speed) — advances while there are none, and is rolled back
// once `curl $URL/status/500` reaches it. In-process counters cannot answer a template.
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {copyFixture, editYaml, ensureBuilt, freePort, get, removeDir, sleep, startCli, tempDir, waitUntil, type CliRun} from '../e2e/helpers.js';
import {printedScrapeConfig, prometheusFor, startPrometheus, type PrometheusServer} from './prometheus-server.js';

const speed = 10;
const binary = prometheusFor('demo --prometheus with a MetricTemplate');

const template = (address: string) => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: http-500s
spec:
  provider:
    type: prometheus
    address: ${address}
  query: |
    sum(increase(envoy_cluster_upstream_rq{
      kubernetes_namespace="{{ namespace }}",
      kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
      envoy_response_code=~"5.*"
    }[{{ interval }}])) or vector(0)
`;

const messages = (run: CliRun) =>
	run
		.stdout()
		.split('\n')
		.filter(line => line.startsWith('{'))
		.map(line => (JSON.parse(line) as {msg: string}).msg);

describe.skipIf(!binary)(`demo --prometheus --speed ${speed}: a templateRef metric from the folder's MetricTemplate`, () => {
	let workDir: string | undefined;
	let prometheus: PrometheusServer | undefined;
	let run: CliRun | undefined;
	let url: string;
	const errorsSent = {count: 0};

	beforeAll(async () => {
		await ensureBuilt();
		workDir = await tempDir('prometheus-template');
		const dir = await copyFixture(workDir);
		const port = await freePort();
		prometheus = await startPrometheus(binary!, printedScrapeConfig(port, speed));
		await writeFile(join(dir, 'metric-template.yaml'), template(prometheus.url));
		await editYaml(join(dir, 'kustomization.yaml'), ['resources'], ['canary.yaml', 'deployment.yaml', 'hpa.yaml', 'gateway-route.yaml', 'metric-template.yaml']);
		await editYaml(join(dir, 'canary.yaml'), ['spec', 'analysis', 'metrics'], [{name: 'http-500s', templateRef: {name: 'http-500s'}, thresholdRange: {max: 0}, interval: '1m'}]);
		url = `http://127.0.0.1:${port}`;
		run = startCli(['demo', '--dir', dir, '--speed', String(speed), '-o', 'json', '--port', String(port), '--prometheus', prometheus.url]);
		await run.waitForOutput(/Initialization done! podinfo\.apps/, 60_000);
		await editYaml(join(dir, 'kustomization.yaml'), ['images', 0, 'newTag'], '5.0.1');
		await run.waitForOutput(/Advance podinfo\.apps canary weight 15/, 60_000);
		// `watch curl $URL/status/500`, faster: the canary gets its weight's share of them.
		let failing = true;
		const errors = (async () => {
			while (failing) {
				await get(`${url}/status/500`, {}, 5000).then(() => errorsSent.count++, () => {});
				await sleep(20);
			}
		})();
		try {
			await run.waitForOutput(/Rolling back podinfo\.apps/, 60_000);
			await waitUntil(() => messages(run!).some(m => m.startsWith('Canary failed!')), 20_000, 'Canary failed!');
		} finally {
			failing = false;
			await errors;
		}
	}, 170_000);

	afterAll(async () => {
		run?.child.kill('SIGTERM');
		await Promise.race([run?.exited, sleep(1000).then(() => run?.kill())]);
		await prometheus?.stop();
		await removeDir(workDir);
	});

	it('checks the template provider at initialization and advances while no 5xx is served', () => {
		const log = messages(run!);
		expect(log).toContain('all the metrics providers are available!');
		const firstHalt = log.findIndex(m => m.startsWith('Halt'));
		const advances = log.slice(0, firstHalt).filter(m => /^Advance podinfo\.apps canary weight \d+$/.test(m));
		expect(advances.slice(0, 3), log.join('\n')).toEqual(['Advance podinfo.apps canary weight 5', 'Advance podinfo.apps canary weight 10', 'Advance podinfo.apps canary weight 15']);
	});

	it('halts with the 5xx count Prometheus reports, five times, then rolls back', () => {
		const log = messages(run!);
		const halts = log.filter(m => m.startsWith('Halt'));
		console.log(halts.join('\n'));
		expect(errorsSent.count).toBeGreaterThan(0);
		expect(halts, log.join('\n')).toHaveLength(5);
		for (const halt of halts) {
			const match = /^Halt podinfo\.apps advancement http-500s (\d+\.\d\d) > 0$/.exec(halt);
			expect(match, halt).not.toBeNull();
			expect(Number(match![1])).toBeGreaterThan(0);
		}
		expect(log).toContain('Rolling back podinfo.apps failed checks threshold reached 5');
		expect(log).toContain('Canary failed! Scaling down podinfo.apps');
	});
});
