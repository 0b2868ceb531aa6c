// The part of `kustomize build` the demo's GitOps loop needs: a folder whose kustomization lists
// resource files of the folder, a namespace for all of them and image overrides.
import {realpath} from 'node:fs/promises';
import {join, posix, relative, resolve, sep} from 'node:path';
import {isScalar, parseDocument} from 'yaml';
import {loadMetricTemplates} from '../../core/metrics/load-metric-templates.js';
import {validateCanary} from '../../core/spec/canary-validate.js';
import type {SpecError} from '../../core/spec/load-canaries.js';
import {loadManifests, type ManifestError} from '../../core/spec/load-manifests.js';
import {isObject, validateSchema, type JsonSchema} from '../../core/spec/schema-validate.js';
import {applyImages, type ImageOverride} from './image-transformer.js';
import {readManifestFile} from './read-file.js';

export type Kustomization = {namespace?: string; resources: string[]; images: ImageOverride[]};

export type ReadKustomization = {
	/** The kustomization file's name in the folder (kustomization.yaml when there is none). */
	file: string;
	/** Absent when there are errors. */
	kustomization?: Kustomization;
	errors: SpecError[];
};

export type RenderedObject = {file: string; object: Record<string, unknown>};

/** Objects of documents with errors are left out; apply nothing while `errors` is not empty. */
export type RenderedFolder = {objects: RenderedObject[]; errors: SpecError[]};

const fileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const dns1123Label = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const kustomizationSchema: JsonSchema = {
	type: 'object',
	properties: {
		apiVersion: {type: 'string'},
		kind: {type: 'string', enum: ['Kustomization']},
		metadata: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
		namespace: {type: 'string', maxLength: 63, pattern: dns1123Label},
		resources: {type: 'array', items: {type: 'string', minLength: 1}},
		images: {
			type: 'array',
			items: {
				type: 'object',
				required: ['name'],
				properties: {name: {type: 'string', minLength: 1}, newName: {type: 'string', minLength: 1}, newTag: {type: 'string', minLength: 1}},
			},
		},
	},
};

const patternHints = {[dns1123Label]: 'a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)'};

// The API server checks these on every object; a resource file without them cannot be applied.
const objectSchema: JsonSchema = {
	type: 'object',
	required: ['apiVersion', 'kind', 'metadata'],
	properties: {
		apiVersion: {type: 'string', minLength: 1},
		kind: {type: 'string', minLength: 1},
		metadata: {
			type: 'object',
			required: ['name'],
			properties: {name: {type: 'string', minLength: 1}, namespace: {type: 'string'}},
			'x-kubernetes-preserve-unknown-fields': true,
		},
	},
	'x-kubernetes-preserve-unknown-fields': true,
};

// kustomize leaves the namespace of cluster-scoped objects alone.
const clusterScoped = new Set([
	'APIService', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'GatewayClass', 'IngressClass', 'Mesh',
	'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass', 'RuntimeClass', 'StorageClass',
	'ValidatingWebhookConfiguration',
]);

export async function readKustomization(dir: string): Promise<ReadKustomization> {
	const found: string[] = [];
	for (const name of fileNames) {
		const read = await readManifestFile(join(dir, name), name);
		if ('text' in read) found.push(name);
		else if (!read.error.endsWith('not found in the folder')) return {file: name, errors: [{file: name, path: '(file)', message: read.error}]};
	}
	const file = found[0] ?? fileNames[0]!;
	if (!found.length) return {file, errors: [{file, path: '(file)', message: `file not found in ${dir} (nor kustomization.yml or Kustomization)`}]};
	if (found.length > 1) return {file, errors: [{file, path: '(file)', message: `found ${found.join(' and ')}: keep only one kustomization file`}]};
	const read = await readManifestFile(join(dir, file), file);
	if ('error' in read) return {file, errors: [{file, path: '(file)', message: read.error}]};
	return {file, ...parseKustomization(read.text, file)};
}

/** Validates the text of a kustomization file. */
export function parseKustomization(text: string, file = 'kustomization.yaml'): {kustomization?: Kustomization; errors: SpecError[]} {
	const loaded = loadManifests(text);
	const errors: SpecError[] = loaded.errors.map(error => ({file, path: yamlPath(error), message: error.message}));
	if (errors.length) return {errors};
	if (loaded.documents.length !== 1) {
		const got = loaded.documents.length ? `${loaded.documents.length} documents` : 'an empty file';
		return {errors: [{file, path: '(root)', message: `expected one YAML mapping with resources, got ${got}`}]};
	}
	const value = loaded.documents[0]!.value;
	if (isObject(value) && Array.isArray(value['images'])) tagsAsText(text, value['images']);
	errors.push(...validateSchema(value, kustomizationSchema, '', {patternHints}).map(problem => ({file, ...explainUnknown(problem)})));
	if (!isObject(value)) return {errors};
	const resources = (Array.isArray(value['resources']) ? value['resources'] : []) as unknown[];
	resources.forEach((resource, index) => {
		const problem = typeof resource === 'string' ? resourceProblem(resource) : undefined;
		if (problem) errors.push({file, path: `resources[${index}]`, message: problem});
	});
	if (errors.length) return {errors};
	const kustomization: Kustomization = {
		resources: resources as string[],
		images: ((value['images'] ?? []) as ImageOverride[]).map(({name, newName, newTag}) => ({
			name,
			...(newName === undefined ? {} : {newName}),
			...(newTag === undefined ? {} : {newTag}),
		})),
	};
	if (typeof value['namespace'] === 'string') kustomization.namespace = value['namespace'];
	return {kustomization, errors};
}

/** Renders the folder as `kustomize build` would, for the subset canary-tui supports. */
export async function renderFolder(dir: string): Promise<RenderedFolder> {
	const {file, kustomization, errors} = await readKustomization(dir);
	if (!kustomization) return {objects: [], errors};
	const root = await realpath(dir).catch(() => resolve(dir));
	const texts = await Promise.all(kustomization.resources.map(resource => readResource(dir, root, resource)));
	const objects: RenderedObject[] = [];
	const owners = new Map<string, string>();
	texts.forEach((read, index) => {
		if ('error' in read) {
			errors.push({file, path: `resources[${index}]`, message: read.error});
			return;
		}
		const name = posix.normalize(kustomization.resources[index]!.replace(/\\/g, '/'));
		const loaded = loadManifests(read.text);
		const at = (document: number | undefined) => (loaded.count > 1 && document !== undefined ? {file: name, document} : {file: name});
		errors.push(...loaded.errors.map(error => ({...at(error.document), path: yamlPath(error), message: error.message})));
		for (const {index: document, value} of loaded.documents) {
			const problems = validateSchema(value, objectSchema);
			if (!problems.length) {
				const object = value as Record<string, unknown>;
				transform(object, kustomization);
				if (isCanaryObject(object)) problems.push(...validateCanary(object));
				if (object['kind'] === 'MetricTemplate') problems.push(...metricTemplateProblems(object));
				if (!problems.length) {
					const id = objectId(object);
					const owner = owners.get(id);
					const here = loaded.count > 1 ? `${name} (document ${document})` : name;
					if (owner) problems.push({path: 'metadata.name', message: `${describeId(object)} is already defined in ${owner}; kustomize refuses duplicate resources`});
					else owners.set(id, here);
				}
				if (!problems.length) objects.push({file: name, object});
			}
			errors.push(...problems.map(problem => ({...at(document), ...problem})));
		}
	});
	return {objects, errors};
}

function transform(object: Record<string, unknown>, kustomization: Kustomization): void {
	const metadata = object['metadata'] as Record<string, unknown>;
	if (kustomization.namespace !== undefined && !clusterScoped.has(object['kind'] as string)) metadata['namespace'] = kustomization.namespace;
	applyImages(object, kustomization.images);
}

// As in load-canaries: a flagger.app object with a misspelt kind is validated, not skipped.
function isCanaryObject(object: Record<string, unknown>): boolean {
	return (object['apiVersion'] as string).startsWith('flagger.app/') && !['MetricTemplate', 'AlertProvider'].includes(object['kind'] as string);
}

// The checks of `simulate --template` (Flagger's CRD schema, prometheus only), for one parsed object.
function metricTemplateProblems(object: Record<string, unknown>): Array<{path: string; message: string}> {
	return loadMetricTemplates(JSON.stringify(object), '').errors.map(({path, message}) => ({path, message}));
}

// kustomize identifies objects by group, kind, namespace and name (not version).
function objectId(object: Record<string, unknown>): string {
	const apiVersion = object['apiVersion'] as string;
	const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
	const metadata = object['metadata'] as {name: string; namespace?: string};
	return JSON.stringify([group, object['kind'], metadata.namespace ?? '', metadata.name]);
}

function describeId(object: Record<string, unknown>): string {
	const metadata = object['metadata'] as {name: string; namespace?: string};
	return `${object['kind'] as string} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
}

async function readResource(dir: string, root: string, resource: string) {
	const shown = JSON.stringify(resource);
	const read = await readManifestFile(resolve(dir, resource), shown);
	if ('error' in read) return read;
	// A symbolic link may still point out of the folder.
	const target = await realpath(resolve(dir, resource)).catch(() => undefined);
	const outside = target === undefined || relative(root, target).split(sep)[0] === '..';
	return outside ? {error: `${shown} resolves outside the folder; resources must be files of the folder`} : read;
}

function resourceProblem(resource: string): string | undefined {
	const shown = JSON.stringify(resource);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(resource) || /^(github|gitlab)\.com\//.test(resource)) {
		return `expected a file of the folder, got the remote resource ${shown}: canary-tui reads local files only`;
	}
	const normal = posix.normalize(resource.replace(/\\/g, '/'));
	if (posix.isAbsolute(normal) || /^[a-z]:/i.test(normal)) return `expected a path relative to the folder, got ${shown}`;
	if (normal === '..' || normal.startsWith('../')) return `expected a file inside the folder, got ${shown}`;
	if (normal === '.' || normal.endsWith('/')) return `expected a file, got the folder ${shown}: canary-tui does not read nested kustomizations`;
	return undefined;
}

// kustomize takes a tag as the text written in YAML, so `newTag: 5.10` is "5.10", not 5.1.
function tagsAsText(text: string, images: unknown[]): void {
	let document: ReturnType<typeof parseDocument> | undefined;
	images.forEach((image, index) => {
		if (!isObject(image) || (typeof image['newTag'] !== 'number' && typeof image['newTag'] !== 'boolean')) return;
		document ??= parseDocument(text.replace(/^\uFEFF/, ''), {version: '1.1'});
		const node = document.getIn(['images', index, 'newTag'], true);
		image['newTag'] = isScalar(node) && typeof node.source === 'string' ? node.source : String(image['newTag']);
	});
}

function yamlPath(error: ManifestError): string {
	return error.document === undefined ? '(file)' : '(yaml)';
}

function explainUnknown(problem: {path: string; message: string}): {path: string; message: string} {
	if (!problem.message.startsWith('unknown field')) return problem;
	const supported = problem.path.startsWith('images[') ? 'name, newName and newTag' : 'namespace, resources and images';
	return {...problem, message: `${problem.message}; canary-tui supports ${supported}`};
}
