// MetricTemplate (`flagger.app/v1beta1`) as a canary's template metric uses it: where it is
// looked up, Flagger's error events for each step (semantics §4.2), the provider types
// canary-tui queries, and the rendered query.
import type {Canary, CanaryMetric} from '../spec/types.js';
import {renderQuery, templateModel, type Rendered} from './query-template.js';

export type MetricTemplateProvider = {
	type: string;
	address?: string;
	headers?: Record<string, string[]>;
	secretRef?: {name: string};
	region?: string;
	insecureSkipVerify?: boolean;
};

export type MetricTemplate = {
	apiVersion: string;
	kind: 'MetricTemplate';
	metadata: {name: string; namespace?: string; [key: string]: unknown};
	spec: {provider: MetricTemplateProvider; query: string};
};

export type TemplateRef = {name: string; namespace: string};

/** `templateRef.namespace`, else the canary's. */
export function templateRefOf(canary: Canary, metric: CanaryMetric): TemplateRef {
	return {name: metric.templateRef!.name, namespace: metric.templateRef!.namespace || canary.metadata.namespace || 'default'};
}

const key = (ref: TemplateRef) => `${ref.name}.${ref.namespace}`;

/** Flagger's error events around a template metric (`runMetricChecks`). */
export const templateEvents = {
	lookup: (ref: TemplateRef, error: string) => `Metric template ${key(ref)} error: ${error}`,
	secret: (ref: TemplateRef, secret: string, error: string) => `Metric template ${key(ref)} secret ${secret} error: ${error}`,
	provider: (ref: TemplateRef, type: string, error: string) => `Metric template ${key(ref)} provider ${type} error: ${error}`,
	render: (ref: TemplateRef, error: string) => `Metric template ${key(ref)} query render error: ${error}`,
};

/** The same failures at initialization (`checkMetricProviderAvailability`), lower-case as Flagger words them. */
export const availabilityErrors = {
	lookup: (ref: TemplateRef, error: string) => `metric template ${key(ref)} error: ${error}`,
	secret: (ref: TemplateRef, secret: string, error: string) => `metric template ${key(ref)} secret ${secret} error: ${error}`,
	provider: (ref: TemplateRef, type: string, error: string) => `metric template ${key(ref)} provider ${type} error: ${error}`,
	offline: (type: string, ref: TemplateRef, error: string) => `${type} in metric template ${key(ref)} not avaiable: ${error}`,
};

/** The Kubernetes API's NotFound text, as Flagger's lister reports it. */
export const templateNotFound = (name: string) => `metrictemplate.flagger.app "${name}" not found`;

/**
 * Flagger would query an unknown provider type as Prometheus, and canary-tui has only the
 * Prometheus client: any other type is refused by name rather than silently misread.
 */
export function refusedProviderType(type: string | undefined): string | undefined {
	if (type === 'prometheus') return undefined;
	return `provider type "${type ?? ''}" is not supported by canary-tui: only prometheus MetricTemplates can be queried`;
}

/** The template's query for this canary and metric; interval as the engine passes it. */
export function renderTemplate(template: MetricTemplate, canary: Canary, metric: CanaryMetric, interval: string): Rendered {
	return renderQuery(template.spec.query, templateModel(canary, interval, metric.templateVariables ?? {}));
}

export type TemplateCheck = {ok: true; query: string} | {ok: false; event: string};

/**
 * What does not need the network: the template exists, its provider type is one canary-tui
 * queries, and its query renders. Secrets and the server come after, in the adapter.
 */
export function checkTemplate(template: MetricTemplate | undefined, ref: TemplateRef, canary: Canary, metric: CanaryMetric, interval: string): TemplateCheck {
	if (!template) return {ok: false, event: templateEvents.lookup(ref, templateNotFound(ref.name))};
	const refused = refusedProviderType(template.spec.provider?.type);
	if (refused) return {ok: false, event: templateEvents.provider(ref, template.spec.provider?.type ?? '', refused)};
	const rendered = renderTemplate(template, canary, metric, interval);
	if (!rendered.ok) return {ok: false, event: templateEvents.render(ref, rendered.error)};
	return {ok: true, query: rendered.query};
}
