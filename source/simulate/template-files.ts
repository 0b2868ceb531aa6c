// `simulate --template FILE` (repeatable): the MetricTemplates a canary's templateRef metrics
// resolve against, read from those files and from the canary's own file (a file given twice is
// read once). Any problem is bad input naming the file and field.
import {resolve} from 'node:path';
import {loadMetricTemplates} from '../core/metrics/load-metric-templates.js';
import type {MetricTemplate} from '../core/metrics/metric-template.js';
import {formatSpecError} from '../core/spec/load-canaries.js';
import {kustomizationNamespaceFor} from '../manifests/kustomization.js';
import {readManifestText} from '../manifests/read-canary-file.js';

/** Keyed `name.namespace`, as templateRefOf's refs print. */
export type TemplateSet = ReadonlyMap<string, MetricTemplate>;

export const templateKey = (name: string, namespace: string) => `${name}.${namespace}`;

export async function readTemplateFiles(files: string[], canaryFile: string, namespace: string | undefined): Promise<{templates: TemplateSet; errors: string[]}> {
	const templates = new Map<string, {template: MetricTemplate; file: string}>();
	const errors: string[] = [];
	const given = new Set(files.map(file => resolve(file)));
	const unique = [...new Map([...files, canaryFile].map(file => [resolve(file), file])).values()];
	for (const file of unique) {
		const read = await readManifestText(file);
		if ('error' in read) {
			errors.push(`${file}: (file): ${read.error}`);
			continue;
		}
		const loaded = loadMetricTemplates(read.text, file, {namespace: namespace ?? (await kustomizationNamespaceFor(file))});
		errors.push(...loaded.errors.map(formatSpecError));
		if (given.has(resolve(file)) && loaded.templates.length === 0 && loaded.errors.length === 0) {
			errors.push(`${file}: no MetricTemplate (kind: MetricTemplate, apiVersion: flagger.app/v1beta1) found`);
		}
		for (const template of loaded.templates) {
			const key = templateKey(template.metadata.name, template.metadata.namespace!);
			const earlier = templates.get(key);
			if (earlier && earlier.file !== file) errors.push(`${file}: MetricTemplate ${key} is also defined in ${earlier.file}`);
			else if (earlier) errors.push(`${file}: MetricTemplate ${key} is defined twice`);
			else templates.set(key, {template, file});
		}
	}
	return {templates: new Map([...templates].map(([key, entry]) => [key, entry.template])), errors};
}
