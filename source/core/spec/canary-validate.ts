// What the API server (Flagger's CRD schema) and Flagger's controller reject in a Canary.
import schemas from './schemas.json' with {type: 'json'};
import {isObject, validateSchema, type JsonSchema, type SchemaError} from './schema-validate.js';

const duration = '^[0-9]+(m|s)';
const dns1123Subdomain = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const dns1123Label = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export const patternHints: Record<string, string> = {
	[duration]: `a string matching ${duration} (e.g. 30s, 1m)`,
	[dns1123Subdomain]: 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)',
	[dns1123Label]: 'a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)',
};

/**
 * A flagger.app/v1beta1 kind's published CRD schema, plus what the CRD leaves to the API
 * server and these rules stand in for: apiVersion, kind and metadata.
 */
export function flaggerObjectSchema(kind: 'Canary' | 'MetricTemplate' | 'AlertProvider'): JsonSchema {
	const crd = (schemas as unknown as Record<string, JsonSchema>)[kind]!;
	return {
		...crd,
		required: ['apiVersion', 'kind', 'metadata', 'spec'],
		properties: {
			...crd.properties,
			apiVersion: {type: 'string', enum: ['flagger.app/v1beta1']},
			kind: {type: 'string', enum: [kind]},
			metadata: {
				type: 'object',
				required: ['name'],
				properties: {
					name: {type: 'string', maxLength: 253, pattern: dns1123Subdomain},
					namespace: {type: 'string', maxLength: 63, pattern: dns1123Label},
				},
				'x-kubernetes-preserve-unknown-fields': true,
			},
			status: {'x-kubernetes-preserve-unknown-fields': true},
		},
	};
}

const canarySchema = flaggerObjectSchema('Canary');

const builtinMetrics = ['request-success-rate', 'request-duration'];

type Rule = (analysis: Record<string, unknown>) => SchemaError[];

// Checks Flagger's controller applies beyond the CRD schema.
const rules: Rule[] = [
	analysis => {
		const affinity = analysis['sessionAffinity'];
		if (!isObject(affinity) || typeof affinity['cookieName'] !== 'string') return [];
		// Go compares with the zero value when primaryCookieName is unset.
		if (affinity['cookieName'] !== (affinity['primaryCookieName'] ?? '')) return [];
		return [{
			path: 'spec.analysis.sessionAffinity.primaryCookieName',
			message: `can't use the same cookie name for both primary and cookie name; please update them to be different (both are ${JSON.stringify(affinity['cookieName'])})`,
		}];
	},
	analysis => {
		const metrics = analysis['metrics'];
		if (!Array.isArray(metrics)) return [];
		return metrics.flatMap((metric: unknown, index) => {
			if (!isObject(metric) || typeof metric['name'] !== 'string' || builtinMetrics.includes(metric['name'])) return [];
			if (metric['templateRef'] !== undefined || (typeof metric['query'] === 'string' && metric['query'] !== '')) return [];
			return [{
				path: `spec.analysis.metrics[${index}]`,
				message: `metric ${JSON.stringify(metric['name'])} needs templateRef or query: only ${builtinMetrics.join(' and ')} are builtin`,
			}];
		});
	},
];

export function validateCanary(obj: unknown): SchemaError[] {
	const errors = validateSchema(obj, canarySchema, '', {patternHints});
	const spec = isObject(obj) ? obj['spec'] : undefined;
	const analysis = isObject(spec) ? spec['analysis'] : undefined;
	if (isObject(analysis)) errors.push(...rules.flatMap(rule => rule(analysis)));
	return errors;
}
