// Reads the Canary objects of a manifest file, keeping only documents that validate.
import {sanitize} from '../../text/sanitize.js';
import {validateCanary} from './canary-validate.js';
import {loadManifests} from './load-manifests.js';
import {isObject} from './schema-validate.js';
import type {Canary} from './types.js';

export type SpecError = {file: string; document?: number; path: string; message: string};

export type LoadCanariesOptions = {
	/** Namespace for canaries without metadata.namespace; default 'default'. */
	namespace?: string;
};

export type LoadedCanaries = {canaries: Canary[]; errors: SpecError[]};

// Other flagger.app kinds live in the same files and are not canaries.
const otherFlaggerKinds = ['MetricTemplate', 'AlertProvider'];

function isCanaryDocument(value: unknown): value is Record<string, unknown> {
	if (!isObject(value)) return false;
	if (value['kind'] === 'Canary') return true;
	// A flagger.app object with a misspelt kind is reported rather than silently skipped.
	return typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('flagger.app/') && !otherFlaggerKinds.includes(value['kind'] as string);
}

export function loadCanaries(text: string, file: string, opts: LoadCanariesOptions = {}): LoadedCanaries {
	const loaded = loadManifests(text);
	const numbered = loaded.count > 1;
	const located = (document: number | undefined) => (numbered && document !== undefined ? {file, document} : {file});
	const errors: SpecError[] = loaded.errors.map(error => ({
		...located(error.document),
		path: error.document === undefined ? '(file)' : '(yaml)',
		message: error.message,
	}));
	const canaries: Canary[] = [];
	for (const {index, value} of loaded.documents) {
		if (!isCanaryDocument(value)) continue;
		const problems = validateCanary(value);
		if (problems.length) {
			errors.push(...problems.map(problem => ({...located(index), ...problem})));
			continue;
		}
		const canary = value as Canary;
		const namespace = canary.metadata.namespace ?? opts.namespace ?? 'default';
		canaries.push({...canary, metadata: {...canary.metadata, namespace}});
	}
	errors.sort((a, b) => (a.document ?? 0) - (b.document ?? 0));
	return {canaries, errors};
}

export function formatSpecError(e: SpecError): string {
	const where = e.document === undefined ? e.file : `${e.file} (document ${e.document})`;
	// Paths and messages quote the file's own keys and values, which may hold escape sequences.
	return sanitize(`${where}: ${e.path}: ${e.message}`);
}
