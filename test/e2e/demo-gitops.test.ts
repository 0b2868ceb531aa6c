// GitOps-lite end to end: a LocalDemo (in-process, real HTTP, real files, time 50x) watching a
// copy of the seed folder. Editing kustomization.yaml starts releases, bad edits are reported
// and change nothing, and the gateway exposes Envoy-style metrics of the real requests.
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {RecordedEvent} from '../../source/controller/ports.js';
import {LocalDemo} from '../../source/local/demo.js';
import {copyFixture, editYaml, get, removeDir, userAgents, waitUntil, writeAtomically} from './helpers.js';

let parent: string;
let dir: string;
let demo: LocalDemo;
const notices: string[] = [];
const events: RecordedEvent[] = [];

const phase = () => demo.canaries()[0]?.status?.phase ?? '';
const messages = () => events.map(event => event.message);
const kustomization = () => join(dir, 'kustomization.yaml');
const canaryFile = () => join(dir, 'canary.yaml');

async function waitForEvent(message: string | RegExp, timeoutMs = 30_000, after = 0): Promise<void> {
	const matches = (text: string) => (typeof message === 'string' ? text === message : message.test(text));
	await waitUntil(() => messages().slice(after).some(matches), timeoutMs, () => `event ${message}; events so far:\n${messages().join('\n')}\nnotices:\n${notices.join('\n')}`);
}

async function waitForPhase(accept: string[], timeoutMs = 30_000): Promise<void> {
	await waitUntil(() => accept.includes(phase()), timeoutMs, () => `phase ${accept.join(' or ')} (it is ${phase() || 'unset'}); events:\n${messages().join('\n')}`);
}

async function metricsText(): Promise<{status: number; type: string; lines: string[]}> {
	const answer = await get(`${demo.url}/metrics`);
	return {status: answer.status, type: String(answer.headers['content-type']), lines: answer.body.split('\n')};
}

/** envoy_cluster_upstream_rq samples: pod, code and value. */
function requestCounters(lines: string[]): Array<{namespace: string; pod: string; code: string; value: number}> {
	return lines.flatMap(line => {
		const m = /^envoy_cluster_upstream_rq\{kubernetes_namespace="([^"]*)",kubernetes_pod_name="([^"]*)",envoy_response_code="(\d+)"\} (\S+)$/.exec(line);
		return m ? [{namespace: m[1]!, pod: m[2]!, code: m[3]!, value: Number(m[4])}] : [];
	});
}

beforeAll(async () => {
	dir = await copyFixture();
	parent = join(dir, '..');
	demo = new LocalDemo({dir, port: 0, clock: realClock(50), notice: line => notices.push(line)});
	demo.events.subscribe(event => events.push(event));
	await demo.start();
	await waitForPhase(['Initialized']);
}, 60_000);

afterAll(async () => {
	await demo?.stop();
	await removeDir(parent);
});

describe('demo GitOps-lite: the watched kustomization folder', {timeout: 60_000}, () => {
	it('GET /metrics on the gateway is Prometheus text with envoy_cluster_upstream_rq lines for the podinfo pods', async () => {
		await waitUntil(async () => requestCounters((await metricsText()).lines).some(c => c.pod.startsWith('podinfo-primary-')), 10_000, 'counters for the primary pods');
		const {status, type, lines} = await metricsText();
		expect(status).toBe(200);
		expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
		expect(lines).toContain('# TYPE envoy_cluster_upstream_rq counter');
		expect(lines).toContain('# TYPE envoy_cluster_upstream_rq_time histogram');
		const counters = requestCounters(lines);
		const primaryPods = new Set(counters.filter(c => c.pod.startsWith('podinfo-primary-')).map(c => c.pod));
		expect(primaryPods.size).toBeGreaterThanOrEqual(2);
		for (const counter of counters) {
			expect(counter.namespace).toBe('apps');
			expect(counter.pod).toMatch(/^podinfo-(primary-)?[a-z0-9]+-[a-z0-9]{5}$/);
			expect(Number.isInteger(counter.value) && counter.value >= 0).toBe(true);
		}
		// Each pod's histogram: cumulative buckets ending in le="+Inf", which equals _count.
		for (const pod of primaryPods) {
			const labels = `kubernetes_namespace="apps",kubernetes_pod_name="${pod}"`;
			const buckets = lines.filter(line => line.startsWith(`envoy_cluster_upstream_rq_time_bucket{${labels},le=`)).map(line => Number(line.split(' ').at(-1)));
			expect(buckets.length).toBeGreaterThan(5);
			expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
			const inf = lines.find(line => line.startsWith(`envoy_cluster_upstream_rq_time_bucket{${labels},le="+Inf"}`));
			const count = lines.find(line => line.startsWith(`envoy_cluster_upstream_rq_time_count{${labels}}`));
			expect(inf?.split(' ').at(-1)).toBe(count?.split(' ').at(-1));
		}
	});

	it('counts the requests it serves: 20 curl requests and 5 /status/500 show up in the counters', async () => {
		const total = async (code: string) => requestCounters((await metricsText()).lines).filter(c => c.code === code && c.pod.startsWith('podinfo-primary-')).reduce((sum, c) => sum + c.value, 0);
		const ok0 = await total('200');
		const errors0 = await total('500');
		for (let i = 0; i < 20; i++) expect((await get(`${demo.url}/`, {'user-agent': userAgents.curl})).status).toBe(200);
		for (let i = 0; i < 5; i++) expect((await get(`${demo.url}/status/500`, {'user-agent': userAgents.curl})).status).toBe(500);
		// Background users keep adding 200s; the 500s are ours alone.
		expect((await total('200')) - ok0).toBeGreaterThanOrEqual(20);
		expect((await total('500')) - errors0).toBe(5);
	});

	it('editing images[0].newTag to 5.0.1 starts a release', async () => {
		const before = events.length;
		await editYaml(kustomization(), ['images', 0, 'newTag'], '5.0.1');
		await waitForEvent('New revision detected! Scaling up podinfo.apps', 10_000, before);
		await waitForEvent('Starting canary analysis for podinfo.apps', 10_000, before);
		await waitForEvent('Pre-rollout check acceptance-test passed', 10_000, before);
		await waitForEvent('Advance podinfo.apps canary weight 5', 10_000, before);
		expect(phase()).toBe('Progressing');
	});

	it('bad edits during the release are reported naming the file and field, and the release still finishes', async () => {
		const good = await readFile(kustomization(), 'utf8');
		const goodCanary = await readFile(canaryFile(), 'utf8');
		const lazyState = () => `notices:\n${notices.join('\n')}\nevents:\n${messages().join('\n')}`;
		try {
			// Invalid YAML in kustomization.yaml.
			await writeAtomically(kustomization(), `${good}images: [\n`);
			await waitUntil(() => reports().some(line => line.includes('kustomization.yaml')), 10_000, () => `a rejected edit of kustomization.yaml; ${lazyState()}`);
			expect(reports().find(line => line.includes('kustomization.yaml'))).toMatch(/kustomization\.yaml: .*(line \d+|yaml)/i);
			await writeAtomically(kustomization(), good);

			// A valid YAML file with an invalid canary: interval 1h (the CRD wants ^[0-9]+(m|s)).
			await editYaml(canaryFile(), ['spec', 'analysis', 'interval'], '1h');
			await waitUntil(() => reports().some(line => line.includes('canary.yaml')), 10_000, () => `a rejected edit of canary.yaml; ${lazyState()}`);
			expect(reports().find(line => line.includes('canary.yaml'))).toMatch(/canary\.yaml\b.*spec\.analysis\.interval\b.*1h/);
			expect(phase()).toBe('Progressing');
			expect(demo.canaries()[0]?.spec.analysis?.interval).toBe('15s');

			// The release goes on as if nothing happened, canary.yaml still bad on disk.
			await waitForPhase(['Succeeded', 'Failed'], 40_000);
			expect(phase(), messages().join('\n')).toBe('Succeeded');
			const release = messages().slice(messages().lastIndexOf('New revision detected! Scaling up podinfo.apps'));
			const advances = release.filter(m => m.startsWith('Advance podinfo.apps canary weight'));
			expect(advances).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50].map(w => `Advance podinfo.apps canary weight ${w}`));
			const promotion = ['Copying podinfo.apps template spec to podinfo-primary.apps', 'Routing all traffic to primary', 'Promotion completed! Scaling down podinfo.apps'];
			expect(release.filter(m => promotion.includes(m))).toEqual(promotion);
			expect(release.at(-1)).toBe('Promotion completed! Scaling down podinfo.apps');
			// (A busy machine may make a load-test webhook time out: a Halt, never a rollback.)
			expect(release.filter(m => /^(Rolling back|Canary failed)/.test(m))).toEqual([]);
		} finally {
			// Fixing canary.yaml changes nothing that was applied.
			await writeAtomically(canaryFile(), goodCanary);
		}
	}, 60_000);

	it('after the bad edits, resources[0]: abtest.yaml with newTag 5.0.2 starts an A/B test (header route for Firefox and curl)', async () => {
		const before = events.length;
		await editYaml(kustomization(), ['resources', 0], 'abtest.yaml');
		await editYaml(kustomization(), ['images', 0, 'newTag'], '5.0.2');
		await waitForEvent('New revision detected! Scaling up podinfo.apps', 10_000, before);
		await waitForEvent('Advance podinfo.apps canary iteration 1/10', 15_000, before);
		// Hold the A/B test here (kubectl patch canary podinfo -p '{"spec":{"suspend":true}}') so the
		// checks below do not race its next iterations.
		const canary = demo.store.getSync('Canary', 'apps', 'podinfo')!;
		await demo.store.update({...canary, spec: {...canary.spec, suspend: true}});
		await waitForEvent('skipping canary run as object is suspended', 10_000, before);
		expect(phase()).toBe('Progressing');
		// The good edits after the bad ones were applied, not rejected.
		expect(reports().every(line => /YAML syntax error|spec\.analysis\.interval/.test(line)), reports().join('\n')).toBe(true);
		const router = demo.store.getSync('VirtualRouter', 'apps', 'podinfo');
		expect(router?.spec?.routes?.[0]?.httpRoute?.match?.headers).toEqual([{name: 'user-agent', match: {regex: '.*(Firefox|curl).*'}}]);
		// curl and Firefox reach the 5.0.2 canary, Chrome the 5.0.1 primary.
		const version = async (agent: string) => (JSON.parse((await get(`${demo.url}/`, {'user-agent': agent})).body) as {version: string}).version;
		for (let i = 0; i < 5; i++) {
			expect(await version(userAgents.curl)).toBe('5.0.2');
			expect(await version(userAgents.firefox)).toBe('5.0.2');
			expect(await version(userAgents.chrome)).toBe('5.0.1');
		}
		// The canary pods are now in the metrics too.
		const canaryPods = requestCounters((await metricsText()).lines).filter(c => /^podinfo-[a-z0-9]+-[a-z0-9]{5}$/.test(c.pod));
		expect(canaryPods.length).toBeGreaterThan(0);
	}, 60_000);
});

/** Rejected edits, whether reported as a notice of the demo or as an event of the canary. */
function reports(): string[] {
	return [...notices, ...messages()].filter(line => line.includes('rejected edit'));
}
