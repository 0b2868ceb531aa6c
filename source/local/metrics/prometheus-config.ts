// `canary-tui demo --print-prometheus-config`: a prometheus.yml that scrapes the demo's /metrics
// often enough for Flagger's builtin 1m windows, scaled by --speed, to hold a dozen samples.
import {formatPrometheusDuration} from './scaled-interval.js';

export type PrometheusConfigOptions = {
	/** The demo's gateway port, which serves /metrics. */
	port: number;
	speed: number;
};

export const demoScrapeJob = 'canary-tui-demo';

const builtinWindowMs = 60_000;
const samplesPerWindow = 12;
const fastestScrapeMs = 100;
const slowestScrapeMs = 5000;

/** Real ms between scrapes: 12 samples per builtin 1m window at `speed`, between 100 ms and 5 s. */
export function scrapeIntervalMs(speed: number): number {
	const ideal = builtinWindowMs / speed / samplesPerWindow;
	return Math.min(slowestScrapeMs, Math.max(fastestScrapeMs, Math.round(ideal)));
}

export function prometheusConfig({port, speed}: PrometheusConfigOptions): string {
	const scrape = formatPrometheusDuration(scrapeIntervalMs(speed));
	const window = formatPrometheusDuration(builtinWindowMs / speed);
	const demoFlags = `--port ${port}${speed === 1 ? '' : ` --speed ${speed}`}`;
	const samples = Math.floor(builtinWindowMs / speed / scrapeIntervalMs(speed));
	const lines = [
		`# Prometheus scrape config for \`canary-tui demo ${demoFlags}\` (printed by --print-prometheus-config).`,
		'#   prometheus --config.file=prometheus.yml --storage.tsdb.path=./data --web.listen-address=127.0.0.1:9090',
		`#   canary-tui demo ${demoFlags} --prometheus http://127.0.0.1:9090`,
		`# A builtin 1m window lasts ${window} of real time at this speed; a scrape every ${scrape} puts ${samples} samples in it.`,
		...(samples < 2 ? ['# That is too few for rate(): expect "no values found"; use a lower --speed.'] : []),
		'global:',
		`  scrape_interval: ${scrape}`,
		`  scrape_timeout: ${scrape}`,
		'  evaluation_interval: 15s',
		'scrape_configs:',
		`  - job_name: ${demoScrapeJob}`,
		'    # The exposition names each pod (kubernetes_namespace, kubernetes_pod_name) the way',
		"    # Kubernetes service discovery relabels them for Flagger's App Mesh queries: keep them.",
		'    honor_labels: true',
		'    metrics_path: /metrics',
		'    static_configs:',
		`      - targets: ['127.0.0.1:${port}']`,
	];
	return lines.join('\n') + '\n';
}
