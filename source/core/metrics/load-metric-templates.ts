// Reads the MetricTemplate objects of a manifest file (for `simulate --template`): validated
// against Flagger's published CRD schema, and refused when their provider is one canary-tui
// does not query. Other kinds in the same file are skipped.
import {flaggerObjectSchema, patternHints} from '../spec/canary-validate.js';
import type {SpecError} from '../spec/load-canaries.js';
import {loadManifests} from '../spec/load-manifests.js';
import {isObject, validateSchema} from '../spec/schema-validate.js';
import {refusedProviderType, type MetricTemplate} from './metric-template.js';

const templateSchema = flaggerObjectSchema('MetricTemplate');

export type LoadedMetricTemplates = {templates: MetricTemplate[]; errors: SpecError[]};

const isTemplateDocument = (value: unknown): value is Record<string, unknown> => isObject(value) && value['kind'] === 'MetricTemplate';

export function loadMetricTemplates(text: string, file: string, opts: {namespace?: string} = {}): LoadedMetricTemplates {
	const loaded = loadManifests(text);
	const located = (document: number | undefined) => (loaded.count > 1 && document !== undefined ? {file, document} : {file});
	const errors: SpecError[] = loaded.errors.map(error => ({...located(error.document), path: error.document === undefined ? '(file)' : '(yaml)', message: error.message}));
	const templates: MetricTemplate[] = [];
	for (const {index, value} of loaded.documents) {
		if (!isTemplateDocument(value)) continue;
		const problems = validateSchema(value, templateSchema, '', {patternHints});
		const template = value as unknown as MetricTemplate;
		const refused = problems.length === 0 ? refusedProviderType(template.spec.provider.type) : undefined;
		if (refused) problems.push({path: 'spec.provider.type', message: refused});
		if (problems.length) {
			errors.push(...problems.map(problem => ({...located(index), ...problem})));
			continue;
		}
		templates.push({...template, metadata: {...template.metadata, namespace: template.metadata.namespace ?? opts.namespace ?? 'default'}});
	}
	return {templates, errors};
}
