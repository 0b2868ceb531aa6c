// Flagger's Prometheus metrics provider (semantics §6): builtin request-success-rate and
// request-duration on the global metrics server (or the canary's spec.metricsServer), inline
// queries, and MetricTemplates (flagger.app/v1beta1) with their own address, Secret and
// headers. Every failure is a failed check with Flagger's message; none is ever a pass.
import type {Clock} from '../../clock.js';
import type {MetricAnswer, MetricKind, Result} from '../../core/engine/ops.js';
import {builtinQuery, type BuiltinMetric} from '../../core/metrics/builtin-queries.js';
import {availabilityErrors, refusedProviderType, renderTemplate, templateEvents, templateNotFound, templateRefOf, type MetricTemplate, type TemplateRef} from '../../core/metrics/metric-template.js';
import {metricsProviderFor, observerFor} from '../../core/metrics/metrics-provider.js';
import {renderQuery, templateModel} from '../../core/metrics/query-template.js';
import {getAnalysis} from '../../core/spec/defaults.js';
import type {Canary, CanaryMetric} from '../../core/spec/types.js';
import type {MetricsPort} from '../../controller/ports.js';
import type {KubeObject, ObjectStore} from '../../kube/objects.js';
import {invalidAddress, PrometheusClient, type PrometheusEndpoint} from './prometheus-client.js';

export type PrometheusMetricsOptions = {
	/** MetricTemplates and Secrets (KubeStore in cluster mode, the demo's in-memory store). */
	store: Pick<ObjectStore, 'get'>;
	clock: Clock;
	/** The global metrics server (Flagger's -metrics-server). */
	address: string;
	/** For canaries without spec.provider. */
	meshProvider?: string;
	/** The demo's --speed: '1m' → '3s'. */
	scaleInterval?: (duration: string) => string;
	/** Per-query timeout in virtual ms (Flagger: 5 s). */
	timeoutMs?: number;
};

type Step<T> = {ok: true; value: T} | {ok: false; error: string; stage: 'lookup' | 'secret' | 'provider'; secret?: string; type?: string};

export class PrometheusMetrics implements MetricsPort {
	constructor(private readonly options: PrometheusMetricsOptions) {}

	/** Flagger's checkMetricProviderAvailability, run while a canary initializes. */
	async check(canary: Canary): Promise<Result> {
		for (const metric of getAnalysis(canary).metrics ?? []) {
			if (metric.name === 'request-success-rate' || metric.name === 'request-duration') {
				const client = this.builtinClient(canary);
				if (typeof client === 'string') return {ok: false, error: `error building Prometheus client for ${canary.spec.metricsServer} ${client}`};
				const online = await client.isOnline();
				if (!online.ok) return {ok: false, error: `prometheus not avaiable: ${online.error}`};
				continue;
			}
			if (!metric.templateRef) continue;
			const ref = templateRefOf(canary, metric);
			const endpoint = await this.templateEndpoint(ref);
			if (!endpoint.ok) return {ok: false, error: availabilityError(ref, endpoint)};
			const online = await this.client(endpoint.value.endpoint).isOnline();
			if (!online.ok) return {ok: false, error: availabilityErrors.offline(endpoint.value.template.spec.provider.type, ref, online.error)};
		}
		return {ok: true};
	}

	async query(canary: Canary, metric: CanaryMetric, kind: MetricKind, interval: string): Promise<MetricAnswer> {
		const window = interval && this.options.scaleInterval ? this.options.scaleInterval(interval) : interval;
		if (kind === 'template') return this.templateQuery(canary, metric, window);
		const client = this.builtinClient(canary);
		if (typeof client === 'string') return {ok: false, noData: false, error: client, event: `Error building Prometheus client for ${canary.spec.metricsServer} ${client}`};
		// Flagger sends inline queries as written: they are not templates.
		if (kind === 'query') return client.query(metric.query ?? '');
		return this.builtin(canary, kind, window, client);
	}

	private async builtin(canary: Canary, kind: BuiltinMetric, window: string, client: PrometheusClient): Promise<MetricAnswer> {
		const provider = metricsProviderFor(canary, this.options.meshProvider);
		const observer = observerFor(provider);
		if (typeof observer !== 'string') {
			return {ok: false, noData: false, error: `canary-tui has no builtin ${kind} query for provider ${provider} (Flagger's ${observer.unsupported} observer); use a MetricTemplate`};
		}
		const {template, scale} = builtinQuery(observer, kind);
		const rendered = renderQuery(template, templateModel(canary, window));
		if (!rendered.ok) return {ok: false, noData: false, error: `rendering query failed: ${rendered.error}`};
		const outcome = await client.query(rendered.query);
		return outcome.ok ? {ok: true, value: outcome.value * scale} : outcome;
	}

	private async templateQuery(canary: Canary, metric: CanaryMetric, window: string): Promise<MetricAnswer> {
		const ref = templateRefOf(canary, metric);
		const endpoint = await this.templateEndpoint(ref);
		if (!endpoint.ok) return {ok: false, noData: false, error: endpoint.error, event: queryEvent(ref, endpoint)};
		const rendered = renderTemplate(endpoint.value.template, canary, metric, window);
		if (!rendered.ok) return {ok: false, noData: false, error: rendered.error, event: templateEvents.render(ref, rendered.error)};
		return this.client(endpoint.value.endpoint).query(rendered.query);
	}

	/** Template, then Secret, then provider: Flagger's order, and its error for each. */
	private async templateEndpoint(ref: TemplateRef): Promise<Step<{template: MetricTemplate; endpoint: PrometheusEndpoint}>> {
		const template = await this.read('MetricTemplate', ref.namespace, ref.name, templateNotFound(ref.name));
		if (typeof template === 'string') return {ok: false, stage: 'lookup', error: template};
		const metricTemplate = template as unknown as MetricTemplate;
		const provider = metricTemplate.spec?.provider ?? {type: ''};
		let credentials: Map<string, string> | undefined;
		if (provider.secretRef) {
			const secretName = provider.secretRef.name;
			const secret = await this.read('Secret', ref.namespace, secretName, `secrets "${secretName}" not found`);
			if (typeof secret === 'string') return {ok: false, stage: 'secret', secret: secretName, error: secret};
			credentials = secretData(secret);
		}
		const fail = (error: string): Step<never> => ({ok: false, stage: 'provider', type: provider.type ?? '', error});
		const refused = refusedProviderType(provider.type);
		if (refused) return fail(refused);
		const address = provider.address || this.options.address;
		const invalid = invalidAddress(address, provider.type);
		if (invalid) return fail(invalid);
		const endpoint: PrometheusEndpoint = {address, headers: provider.headers, insecureSkipVerify: provider.insecureSkipVerify};
		if (credentials) {
			if (credentials.has('token')) endpoint.token = credentials.get('token');
			else {
				if (!credentials.has('username')) return fail(`${provider.type} credentials does not contain a username`);
				if (!credentials.has('password')) return fail(`${provider.type} credentials does not contain a password`);
				endpoint.username = credentials.get('username');
				endpoint.password = credentials.get('password');
			}
		}
		return {ok: true, value: {template: metricTemplate, endpoint}};
	}

	/** The object, or the error text Flagger would print for it. */
	private async read(kind: string, namespace: string, name: string, notFound: string): Promise<KubeObject | string> {
		try {
			return (await this.options.store.get(kind, namespace, name)) ?? notFound;
		} catch (error) {
			return (error as Error).message;
		}
	}

	/** The canary's spec.metricsServer when set, else the global server; a string is an unusable address. */
	private builtinClient(canary: Canary): PrometheusClient | string {
		const address = canary.spec.metricsServer || this.options.address;
		return invalidAddress(address) ?? this.client({address});
	}

	private client(endpoint: PrometheusEndpoint): PrometheusClient {
		return new PrometheusClient(endpoint, {clock: this.options.clock, timeoutMs: this.options.timeoutMs});
	}
}

function queryEvent(ref: TemplateRef, step: Extract<Step<unknown>, {ok: false}>): string {
	if (step.stage === 'lookup') return templateEvents.lookup(ref, step.error);
	if (step.stage === 'secret') return templateEvents.secret(ref, step.secret!, step.error);
	return templateEvents.provider(ref, step.type!, step.error);
}

function availabilityError(ref: TemplateRef, step: Extract<Step<unknown>, {ok: false}>): string {
	if (step.stage === 'lookup') return availabilityErrors.lookup(ref, step.error);
	if (step.stage === 'secret') return availabilityErrors.secret(ref, step.secret!, step.error);
	return availabilityErrors.provider(ref, step.type!, step.error);
}

/** A Secret's keys: `data` is base64 (as the API serves it), `stringData` (in files) wins. */
function secretData(secret: KubeObject): Map<string, string> {
	const values = new Map<string, string>();
	for (const [name, value] of Object.entries((secret['data'] as Record<string, string> | undefined) ?? {})) values.set(name, Buffer.from(String(value), 'base64').toString('utf8'));
	for (const [name, value] of Object.entries((secret['stringData'] as Record<string, string> | undefined) ?? {})) values.set(name, String(value));
	return values;
}
