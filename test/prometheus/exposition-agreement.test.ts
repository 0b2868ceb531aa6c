// The demo's /metrics through a real Prometheus: the Prometheus provider's builtin App Mesh
// queries (semantics §6.3, windows scaled by --speed) over the scraped exposition give the
// numbers LocalMetrics computes in-process from the same requests — with steady traffic, then
// HTTP 500s, then slow responses.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {MetricsPort} from '../../source/controller/ports.js';
import {getAnalysis} from '../../source/core/spec/defaults.js';
import type {Canary} from '../../source/core/spec/types.js';
import {LocalMetrics} from '../../source/metrics/local-metrics.js';
import {PrometheusMetrics} from '../../source/metrics/prometheus/prometheus-metrics.js';
import {LocalDemo} from '../../source/local/demo.js';
import {writeSeedFolder} from '../../source/local/gitops/seed-folder.js';
import {startStream, userAgents} from '../../source/local/http/traffic.js';
import {demoScrapeJob, prometheusConfig} from '../../source/local/metrics/prometheus-config.js';
import {scaledInterval} from '../../source/local/metrics/scaled-interval.js';
import {freePort, removeDir, sleep, tempDir, waitUntil} from '../e2e/helpers.js';
import {prometheusFor, startPrometheus, type PrometheusServer} from './prometheus-server.js';

const speed = 20;
// The primary's pods take the user traffic while no release runs: both sides read the seed
// canary as if it targeted podinfo-primary (same pod-name selector, other name).
const target = 'podinfo-primary';

type Reading = {phase: string; local: {successRate?: number; p99?: number}; prometheus: {successRate?: number; p99?: number}};

const binary = prometheusFor('the exposition agreement test');

describe.skipIf(!binary)(`the demo's /metrics through Prometheus and the App Mesh PromQL (--speed ${speed})`, () => {
	let parent: string | undefined;
	let demo: LocalDemo | undefined;
	let prometheus: PrometheusServer | undefined;
	const readings: Reading[] = [];

	// Both sides read at the same moment, as the controller would: in-process over the virtual
	// 1m window, Prometheus over the scaled real one.
	async function read(phase: string): Promise<Reading> {
		const seed = demo!.canaries()[0]!;
		const canary: Canary = {...seed, spec: {...seed.spec, targetRef: {...seed.spec.targetRef, name: target}}};
		const metric = (name: 'request-success-rate' | 'request-duration') => getAnalysis(canary).metrics!.find(m => m.name === name)!;
		const value = async (port: MetricsPort, name: 'request-success-rate' | 'request-duration') => {
			const answer = await port.query(canary, metric(name), name, '1m');
			return answer.ok ? answer.value : undefined;
		};
		const local = new LocalMetrics(demo!.metrics, demo!.clock);
		const remote = new PrometheusMetrics({store: demo!.store, clock: demo!.clock, address: prometheus!.url, scaleInterval: scaledInterval(speed)});
		const [localRate, localP99, successRate, p99] = await Promise.all([value(local, 'request-success-rate'), value(local, 'request-duration'), value(remote, 'request-success-rate'), value(remote, 'request-duration')]);
		const reading = {phase, local: {successRate: localRate, p99: localP99}, prometheus: {successRate, p99}};
		readings.push(reading);
		return reading;
	}

	/** Lets a full window (1m virtual) pass under the new traffic (plus `extra` requests), then reads three times. */
	async function settleAndRead(phase: string, extra?: {path: string; everyMs: number}): Promise<Reading[]> {
		const stream = extra && startStream({...extra, url: demo!.url, userAgent: userAgents.curl, clock: demo!.clock});
		try {
			return await readSettled(phase);
		} finally {
			stream?.stop();
		}
	}

	async function readSettled(phase: string): Promise<Reading[]> {
		const settle = performance.now() + 60_000 / speed + 500;
		while (performance.now() < settle) await sleep(250);
		const taken: Reading[] = [];
		for (let i = 0; i < 3; i++) {
			taken.push(await read(phase));
			await sleep(700);
		}
		return taken;
	}

	beforeAll(async () => {
		parent = await tempDir('agreement');
		const dir = await writeSeedFolder(parent);
		const port = await freePort();
		const clock = realClock(speed);
		demo = new LocalDemo({dir, port, clock, notice: () => {}, trafficRate: 20});
		await demo.start();
		prometheus = await startPrometheus(binary!, prometheusConfig({port, speed}));
		await waitUntil(() => demo!.canaries()[0]?.status?.phase === 'Initialized', 60_000, 'the seed canary to be Initialized');
		await waitUntil(() => prometheus!.targetsUp(demoScrapeJob), 30_000, () => `Prometheus to scrape the demo\n${prometheus!.log()}`, 200);
	}, 120_000);

	afterAll(async () => {
		await demo?.stop();
		await prometheus?.stop();
		await removeDir(parent);
		for (const r of readings) {
			console.log(
				`${r.phase.padEnd(18)} success rate: in-process ${r.local.successRate?.toFixed(2)}%, Prometheus ${r.prometheus.successRate?.toFixed(2)}%` +
					`   p99: in-process ${r.local.p99?.toFixed(1)} ms, Prometheus ${r.prometheus.p99?.toFixed(1)} ms`,
			);
		}
	});

	it('steady traffic: 100% success and the same p99', async () => {
		for (const reading of await settleAndRead('steady')) {
			expect(reading.prometheus.successRate, JSON.stringify(reading)).toBe(100);
			expect(reading.local.successRate).toBe(100);
			expect(reading.prometheus.p99).toBeDefined();
			// A few ms from a handful of tail requests: a quarter or 3 ms apart at most.
			expect(Math.abs(reading.prometheus.p99! - reading.local.p99!), JSON.stringify(reading)).toBeLessThanOrEqual(Math.max(3, reading.local.p99! / 4));
		}
	});

	it('with `watch -n 0.5 curl $URL/status/500`: the same success rate below 99%, within 2 points', async () => {
		for (const reading of await settleAndRead('HTTP 500s', {path: '/status/500', everyMs: 500})) {
			expect(reading.local.successRate!).toBeLessThan(99);
			expect(reading.prometheus.successRate, JSON.stringify(reading)).toBeLessThan(99);
			expect(Math.abs(reading.prometheus.successRate! - reading.local.successRate!), JSON.stringify(reading)).toBeLessThan(2);
		}
	});

	it('with one-second responses: the same p99 above 500 ms, within 15%', async () => {
		for (const reading of await settleAndRead('slow responses', {path: '/delay/1', everyMs: 200})) {
			expect(reading.local.p99!).toBeGreaterThan(500);
			expect(reading.prometheus.p99, JSON.stringify(reading)).toBeGreaterThan(500);
			expect(Math.abs(reading.prometheus.p99! - reading.local.p99!) / reading.local.p99!, JSON.stringify(reading)).toBeLessThan(0.15);
		}
	});
});
