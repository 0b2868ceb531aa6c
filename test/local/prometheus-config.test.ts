// `demo --print-prometheus-config` and the --speed scaling of PromQL windows.
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {demoScrapeJob, prometheusConfig, scrapeIntervalMs} from '../../source/local/metrics/prometheus-config.js';
import {formatPrometheusDuration, parsePrometheusDuration, scaledInterval} from '../../source/local/metrics/scaled-interval.js';

type ScrapeConfig = {
	global: {scrape_interval: string; scrape_timeout: string};
	scrape_configs: Array<{job_name: string; honor_labels: boolean; metrics_path: string; static_configs: Array<{targets: string[]}>}>;
};

describe('scaledInterval: a metric window in virtual time as Prometheus must see it', () => {
	it("turns Flagger's 1m into 3s at --speed 20 and 8571ms at --speed 7", () => {
		expect(scaledInterval(20)('1m')).toBe('3s');
		expect(scaledInterval(7)('1m')).toBe('8571ms');
		expect(scaledInterval(10)('1m30s')).toBe('9s');
		expect(scaledInterval(2)('1h')).toBe('1800s');
	});

	it('leaves windows alone at --speed 1, and never goes below 1ms', () => {
		expect(scaledInterval(1)('1m')).toBe('1m');
		expect(scaledInterval(1000)('1ms')).toBe('1ms');
	});

	it('passes text Prometheus would not parse through unchanged, so Prometheus reports it', () => {
		for (const text of ['', '1.5m', 'abc', '1m1h', '0s']) expect(scaledInterval(20)(text)).toBe(text);
	});

	it("reads Prometheus' duration syntax (units in descending order) and writes it back", () => {
		expect(parsePrometheusDuration('1w2d3h4m5s6ms')).toBe(((((7 + 2) * 24 + 3) * 60 + 4) * 60 + 5) * 1000 + 6);
		expect(parsePrometheusDuration('1y')).toBe(365 * 24 * 3_600_000);
		expect(parsePrometheusDuration('5m1h')).toBeUndefined();
		expect(parsePrometheusDuration('-1m')).toBeUndefined();
		expect(formatPrometheusDuration(3000)).toBe('3s');
		expect(formatPrometheusDuration(2500.4)).toBe('2500ms');
		expect(formatPrometheusDuration(0.2)).toBe('1ms');
	});
});

describe('scrapeIntervalMs: a dozen samples per builtin 1m window, from 100 ms to 5 s', () => {
	it.each([
		[1, 5000],
		[10, 500],
		[20, 250],
		[50, 100],
		[1000, 100],
		[0.5, 5000],
	])('at --speed %d: %d ms', (speed, ms) => {
		expect(scrapeIntervalMs(speed)).toBe(ms);
	});
});

describe('prometheusConfig', () => {
	it('is a prometheus.yml scraping 127.0.0.1:PORT/metrics with the exposition’s labels kept', () => {
		const text = prometheusConfig({port: 8080, speed: 20});
		const config = parse(text) as ScrapeConfig;
		expect(config.global).toEqual({scrape_interval: '250ms', scrape_timeout: '250ms', evaluation_interval: '15s'});
		expect(config.scrape_configs).toEqual([
			{job_name: demoScrapeJob, honor_labels: true, metrics_path: '/metrics', static_configs: [{targets: ['127.0.0.1:8080']}]},
		]);
	});

	it('says in comments how to run Prometheus and the demo with it', () => {
		const text = prometheusConfig({port: 9999, speed: 20});
		expect(text).toContain('# A builtin 1m window lasts 3s of real time at this speed; a scrape every 250ms puts 12 samples in it.');
		expect(text).toContain('canary-tui demo --port 9999 --speed 20 --prometheus http://127.0.0.1:9090');
		expect(prometheusConfig({port: 9999, speed: 1})).toContain('canary-tui demo --port 9999 --prometheus http://127.0.0.1:9090');
	});

	it('warns when the speed leaves fewer than two scrapes in a 1m window', () => {
		expect(prometheusConfig({port: 8080, speed: 100})).not.toContain('too few');
		const fast = prometheusConfig({port: 8080, speed: 1000});
		expect(fast).toContain('lasts 60ms of real time');
		expect(fast).toContain('too few for rate(): expect "no values found"; use a lower --speed');
		expect((parse(fast) as ScrapeConfig).global.scrape_interval).toBe('100ms');
	});
});
