import {describe, it, expect, beforeAll, afterAll} from 'vitest';
import {readFileSync} from 'node:fs';
import {mkdtemp, rm, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {formatSpecError, loadCanaries} from '../../source/core/spec/load-canaries.js';
import {readCanaryFile} from '../../source/manifests/read-canary-file.js';

const fixtures = fileURLToPath(new URL('../fixtures/podinfo/', import.meta.url));
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const canaryYaml = read('canary.yaml');

describe('loadCanaries', () => {
	it.each(['canary.yaml', 'abtest.yaml'])('loads the podinfo fixture %s without errors', name => {
		const {canaries, errors} = loadCanaries(read(name), name);
		expect(errors).toEqual([]);
		expect(canaries).toHaveLength(1);
		expect(canaries[0]!.metadata).toEqual({name: 'podinfo', namespace: 'default'});
		expect(canaries[0]!.spec.targetRef.name).toBe('podinfo');
	});

	it('defaults the namespace from the options and keeps an explicit one', () => {
		expect(loadCanaries(canaryYaml, 'c.yaml', {namespace: 'apps'}).canaries[0]!.metadata.namespace).toBe('apps');
		const explicit = canaryYaml.replace('  name: podinfo\nspec:', '  name: podinfo\n  namespace: test\nspec:');
		expect(loadCanaries(explicit, 'c.yaml', {namespace: 'apps'}).canaries[0]!.metadata.namespace).toBe('test');
	});

	it('takes the Canary out of a file that also holds a Deployment', () => {
		const {canaries, errors} = loadCanaries(`${read('deployment.yaml')}---\n${canaryYaml}---\n${read('hpa.yaml')}`, 'app.yaml');
		expect(errors).toEqual([]);
		expect(canaries.map(canary => canary.kind)).toEqual(['Canary']);
	});

	it('numbers the document of an error in a multi-document file', () => {
		const broken = canaryYaml.replace('interval: 15s', 'interval: 1h');
		const {canaries, errors} = loadCanaries(`${read('deployment.yaml')}---\n${broken}`, 'app.yaml');
		expect(canaries).toEqual([]);
		expect(errors.map(formatSpecError)).toEqual([
			'app.yaml (document 2): spec.analysis.interval: expected a string matching ^[0-9]+(m|s) (e.g. 30s, 1m), got "1h"',
		]);
	});

	it('formats errors of a single-document file without a document number', () => {
		const {errors} = loadCanaries(canaryYaml.replace('interval: 15s', 'interval: 1h'), 'canary.yaml');
		expect(errors.map(formatSpecError)).toEqual([
			'canary.yaml: spec.analysis.interval: expected a string matching ^[0-9]+(m|s) (e.g. 30s, 1m), got "1h"',
		]);
	});

	it('keeps the valid canaries when another document is invalid', () => {
		const second = canaryYaml.replace('name: podinfo\nspec', 'name: other\nspec').replace('stepWeight: 5', 'stepWeights: [5, 10]');
		const broken = canaryYaml.replace('port: 9898', 'port: "9898"');
		const {canaries, errors} = loadCanaries(`${second}---\n${broken}`, 'c.yaml');
		expect(canaries.map(canary => canary.metadata.name)).toEqual(['other']);
		expect(errors).toEqual([{file: 'c.yaml', document: 2, path: 'spec.service.port', message: 'expected a number, got a string "9898"'}]);
	});

	it('reports YAML syntax errors with line and column', () => {
		const {canaries, errors} = loadCanaries('apiVersion: flagger.app/v1beta1\nkind: Canary\nspec:\n  analysis: {interval: 1m\n', 'bad.yaml');
		expect(canaries).toEqual([]);
		expect(errors.length).toBeGreaterThan(0);
		expect(errors[0]).toMatchObject({file: 'bad.yaml', path: '(yaml)'});
		expect(errors[0]!.message).toMatch(/^YAML syntax error at line \d+, column \d+: /);
		expect(formatSpecError(errors[0]!)).toMatch(/^bad\.yaml: \(yaml\): YAML syntax error at line/);
	});

	it('ignores documents that are not canaries but checks misspelt flagger.app kinds', () => {
		const metricTemplate = 'apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: m}\nspec: {}\n';
		expect(loadCanaries(`${metricTemplate}---\n${read('hpa.yaml')}`, 'x.yaml')).toEqual({canaries: [], errors: []});
		const misspelt = canaryYaml.replace('kind: Canary', 'kind: canary');
		expect(loadCanaries(misspelt, 'x.yaml').errors).toEqual([{file: 'x.yaml', path: 'kind', message: 'expected "Canary", got "canary"'}]);
	});

	it('reads JSON', () => {
		const json = JSON.stringify(loadCanaries(canaryYaml, 'c.yaml').canaries[0]);
		expect(loadCanaries(json, 'c.json').canaries).toHaveLength(1);
	});

	it('refuses text over 8 MiB', () => {
		const {canaries, errors} = loadCanaries(`# ${'x'.repeat(9 * 1024 * 1024)}\n${canaryYaml}`, 'huge.yaml');
		expect(canaries).toEqual([]);
		expect(errors).toEqual([{file: 'huge.yaml', path: '(file)', message: 'file is 9.0 MiB, larger than the 8 MiB limit; refusing to parse it'}]);
	});
});

describe('readCanaryFile', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'canary-spec-'));
	});
	afterAll(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('reads and validates a file', async () => {
		const {canaries, errors} = await readCanaryFile(join(fixtures, 'canary.yaml'), {namespace: 'apps'});
		expect(errors).toEqual([]);
		expect(canaries[0]!.metadata.namespace).toBe('apps');
	});

	it('reports a missing file, a directory and a file over the limit', async () => {
		const missing = join(dir, 'missing.yaml');
		expect((await readCanaryFile(missing)).errors).toEqual([{file: missing, path: '(file)', message: 'file not found'}]);
		expect((await readCanaryFile(dir)).errors).toEqual([{file: dir, path: '(file)', message: 'is a directory, expected a YAML or JSON file'}]);
		const huge = join(dir, 'huge.yaml');
		await writeFile(huge, canaryYaml);
		await truncate(huge, 9 * 1024 * 1024); // sparse: the size is checked before reading
		const result = await readCanaryFile(huge);
		expect(result.canaries).toEqual([]);
		expect(result.errors).toEqual([{file: huge, path: '(file)', message: 'file is 9 MiB, larger than the 8 MiB limit; refusing to parse it'}]);
	});
});
