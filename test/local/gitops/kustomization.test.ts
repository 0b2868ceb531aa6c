import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {mkdtemp, readFile, rm, symlink, unlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseDocument} from 'yaml';
import {parseKustomization, readKustomization, renderFolder} from '../../../source/local/gitops/kustomization.js';
import {writeSeedFolder} from '../../../source/local/gitops/seed-folder.js';

let parent: string;
let dir: string;

beforeAll(async () => {
	parent = await mkdtemp(join(tmpdir(), 'kustomization-test-'));
});

afterAll(async () => {
	await rm(parent, {recursive: true, force: true});
});

beforeEach(async () => {
	dir = await writeSeedFolder(parent);
});

const edit = async (name: string, change: (text: string) => string) => {
	const path = join(dir, name);
	await writeFile(path, change(await readFile(path, 'utf8')));
};

// What `yq w -i kustomization.yaml <path> <value>` does: parse, set, write the whole file back.
const yqWrite = async (path: Array<string | number>, value: string) => {
	const file = join(dir, 'kustomization.yaml');
	const document = parseDocument(await readFile(file, 'utf8'));
	document.setIn(path, value);
	await writeFile(file, document.toString());
};

const imageOf = (objects: Awaited<ReturnType<typeof renderFolder>>['objects']) => {
	const deployment = objects.find(entry => entry.object['kind'] === 'Deployment')!.object as {spec: {template: {spec: {containers: Array<{image: string}>}}}};
	return deployment.spec.template.spec.containers[0]!.image;
};

const canaryOf = (objects: Awaited<ReturnType<typeof renderFolder>>['objects']) => objects.find(entry => entry.object['kind'] === 'Canary')!;

describe('renderFolder on the seed', () => {
	it('renders the resources in order, all in namespace apps, with podinfo 5.0.0', async () => {
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([]);
		expect(objects.map(entry => [entry.file, entry.object['kind']])).toEqual([
			['canary.yaml', 'Canary'],
			['deployment.yaml', 'Deployment'],
			['hpa.yaml', 'HorizontalPodAutoscaler'],
			['gateway-route.yaml', 'GatewayRoute'],
		]);
		for (const {object} of objects) expect((object['metadata'] as {namespace?: string}).namespace).toBe('apps');
		expect(imageOf(objects)).toBe('ghcr.io/stefanprodan/podinfo:5.0.0');
	});

	it('follows an edit of newTag in the text', async () => {
		await edit('kustomization.yaml', text => text.replace('newTag: 5.0.0', 'newTag: 5.0.1'));
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([]);
		expect(imageOf(objects)).toBe('ghcr.io/stefanprodan/podinfo:5.0.1');
	});

	it('follows `yq w -i kustomization.yaml images[0].newTag 5.0.2`', async () => {
		await yqWrite(['images', 0, 'newTag'], '5.0.2');
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([]);
		expect(imageOf(objects)).toBe('ghcr.io/stefanprodan/podinfo:5.0.2');
	});

	it('takes a tag YAML reads as a number as written, like kustomize', async () => {
		await edit('kustomization.yaml', text => text.replace('newTag: 5.0.0', 'newTag: 5.10'));
		expect(imageOf((await renderFolder(dir)).objects)).toBe('ghcr.io/stefanprodan/podinfo:5.10');
		await edit('kustomization.yaml', text => text.replace('newTag: 5.10', 'newTag: 6'));
		expect(imageOf((await renderFolder(dir)).objects)).toBe('ghcr.io/stefanprodan/podinfo:6');
	});

	it('switches to the A/B canary with `yq w -i kustomization.yaml resources[0] abtest.yaml`', async () => {
		await yqWrite(['resources', 0], 'abtest.yaml');
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([]);
		const canary = canaryOf(objects);
		expect(canary.file).toBe('abtest.yaml');
		expect(canary.object['metadata']).toEqual({name: 'podinfo', namespace: 'apps'});
		expect((canary.object['spec'] as {analysis: unknown}).analysis).toMatchObject({
			iterations: 10,
			match: [{headers: {'user-agent': {regex: '.*(Firefox|curl).*'}}}],
		});
	});
});

describe('renderFolder errors name the file and the field', () => {
	it('reports invalid YAML in the kustomization', async () => {
		await edit('kustomization.yaml', text => text.replace('resources:', 'resources: [canary.yaml'));
		const {objects, errors} = await renderFolder(dir);
		expect(objects).toEqual([]);
		expect(errors.length).toBeGreaterThan(0);
		expect(errors[0]).toMatchObject({file: 'kustomization.yaml', path: '(yaml)'});
		expect(errors[0]!.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
	});

	it('reports invalid YAML in a resource file', async () => {
		await edit('deployment.yaml', text => text.replace('  replicas: 2', '  replicas: [2'));
		const {errors} = await renderFolder(dir);
		expect(errors[0]).toMatchObject({file: 'deployment.yaml', path: '(yaml)'});
	});

	it('reports a resource file that is not in the folder', async () => {
		await edit('kustomization.yaml', text => text.replace('  - hpa.yaml', '  - hpa.yml'));
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([{file: 'kustomization.yaml', path: 'resources[2]', message: 'file "hpa.yml" not found in the folder'}]);
		expect(objects.map(entry => entry.file)).toEqual(['canary.yaml', 'deployment.yaml', 'gateway-route.yaml']);
	});

	it('refuses resources outside the folder', async () => {
		await edit('kustomization.yaml', text => text.replace('  - hpa.yaml', '  - ../hpa.yaml\n  - https://github.com/x/y'));
		const {errors} = await renderFolder(dir);
		expect(errors).toEqual([
			{file: 'kustomization.yaml', path: 'resources[2]', message: 'expected a file inside the folder, got "../hpa.yaml"'},
			{file: 'kustomization.yaml', path: 'resources[3]', message: 'expected a file of the folder, got the remote resource "https://github.com/x/y": canary-tui reads local files only'},
		]);
	});

	it('refuses a symbolic link out of the folder', async () => {
		const outside = join(parent, 'outside.yaml');
		await writeFile(outside, await readFile(join(dir, 'hpa.yaml'), 'utf8'));
		await unlink(join(dir, 'hpa.yaml'));
		await symlink(outside, join(dir, 'hpa.yaml'));
		const {errors} = await renderFolder(dir);
		expect(errors).toEqual([{file: 'kustomization.yaml', path: 'resources[2]', message: '"hpa.yaml" resolves outside the folder; resources must be files of the folder'}]);
	});

	it('validates canaries: interval 1h', async () => {
		await edit('canary.yaml', text => text.replace('interval: 15s', 'interval: 1h'));
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([{
			file: 'canary.yaml',
			path: 'spec.analysis.interval',
			message: 'expected a string matching ^[0-9]+(m|s) (e.g. 30s, 1m), got "1h"',
		}]);
		expect(objects.some(entry => entry.object['kind'] === 'Canary')).toBe(false);
	});

	it('numbers the document in a multi-document resource', async () => {
		const canary = await readFile(join(dir, 'canary.yaml'), 'utf8');
		await writeFile(join(dir, 'canary.yaml'), `${canary}---\n${canary.replace('name: podinfo\nspec', 'name: other\nspec').replace('maxWeight: 50', 'maxWeight: "50"')}`);
		const {objects, errors} = await renderFolder(dir);
		expect(errors).toEqual([{file: 'canary.yaml', document: 2, path: 'spec.analysis.maxWeight', message: 'expected a number, got a string "50"'}]);
		expect(objects.filter(entry => entry.object['kind'] === 'Canary')).toHaveLength(1);
	});

	it('refuses two objects with the same id, as kustomize does', async () => {
		await edit('kustomization.yaml', text => text.replace('  - canary.yaml', '  - canary.yaml\n  - abtest.yaml'));
		const {errors} = await renderFolder(dir);
		expect(errors).toEqual([{
			file: 'abtest.yaml',
			path: 'metadata.name',
			message: 'Canary apps/podinfo is already defined in canary.yaml; kustomize refuses duplicate resources',
		}]);
	});

	it('requires apiVersion, kind and metadata.name of resources', async () => {
		await writeFile(join(dir, 'hpa.yaml'), 'kind: HorizontalPodAutoscaler\nmetadata: {}\n');
		const {errors} = await renderFolder(dir);
		expect(errors).toEqual([
			{file: 'hpa.yaml', path: 'apiVersion', message: 'required field is missing'},
			{file: 'hpa.yaml', path: 'metadata.name', message: 'required field is missing'},
		]);
	});

	it('reports a folder without a kustomization', async () => {
		await unlink(join(dir, 'kustomization.yaml'));
		const {errors} = await renderFolder(dir);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({file: 'kustomization.yaml', path: '(file)'});
		expect(errors[0]!.message).toMatch(/^file not found in /);
	});
});

describe('readKustomization', () => {
	it('reads the seed', async () => {
		expect(await readKustomization(dir)).toEqual({
			file: 'kustomization.yaml',
			errors: [],
			kustomization: {
				namespace: 'apps',
				resources: ['canary.yaml', 'deployment.yaml', 'hpa.yaml', 'gateway-route.yaml'],
				images: [{name: 'ghcr.io/stefanprodan/podinfo', newName: 'ghcr.io/stefanprodan/podinfo', newTag: '5.0.0'}],
			},
		});
	});

	it('validates the fields it uses and refuses the ones it does not implement', () => {
		const {kustomization, errors} = parseKustomization([
			'namespace: Apps',
			'resources: canary.yaml',
			'images:',
			'  - newTag: {major: 5}',
			'    digest: sha256:abc',
			'commonLabels: {a: b}',
		].join('\n'));
		expect(kustomization).toBeUndefined();
		expect(errors).toEqual([
			{file: 'kustomization.yaml', path: 'namespace', message: 'expected a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit), got "Apps"'},
			{file: 'kustomization.yaml', path: 'resources', message: 'expected an array, got a string "canary.yaml"'},
			{file: 'kustomization.yaml', path: 'images[0].name', message: 'required field is missing'},
			{file: 'kustomization.yaml', path: 'images[0].newTag', message: 'expected a string, got an object'},
			{file: 'kustomization.yaml', path: 'images[0].digest', message: 'unknown field "images[0].digest"; canary-tui supports name, newName and newTag'},
			{file: 'kustomization.yaml', path: 'commonLabels', message: 'unknown field "commonLabels"; canary-tui supports namespace, resources and images'},
		]);
	});

	it('takes numbers and booleans in newTag as their YAML text', () => {
		const {kustomization, errors} = parseKustomization('images:\n  - name: a\n    newTag: 5.0\n  - name: b\n    newTag: yes\n  - name: c\n    newTag: "5.0"\n');
		expect(errors).toEqual([]);
		expect(kustomization!.images.map(image => image.newTag)).toEqual(['5.0', 'yes', '5.0']);
		expect(kustomization!.resources).toEqual([]);
	});

	it('refuses an empty file', () => {
		expect(parseKustomization('# nothing\n').errors).toEqual([{file: 'kustomization.yaml', path: '(root)', message: 'expected one YAML mapping with resources, got an empty file'}]);
	});
});
