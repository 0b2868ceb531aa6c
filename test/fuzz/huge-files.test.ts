// A 50 MB manifest (or trace, or kustomization.yaml) is refused from its size, before any
// byte of it is read; a file under the limit is read once. readFile is spied on to tell.
import {mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it, vi} from 'vitest';
import {simulateCommand} from '../../source/commands/simulate-command.js';
import {readManifestFile} from '../../source/local/gitops/read-file.js';
import {readCanaryFile} from '../../source/manifests/read-canary-file.js';

vi.mock('node:fs/promises', async importOriginal => {
	const actual = await importOriginal<typeof fsPromises>();
	return {...actual, readFile: vi.fn(actual.readFile)};
});

const readFile = vi.mocked(fsPromises.readFile);
const readsOf = (path: string) => readFile.mock.calls.filter(([file]) => String(file) === path).length;
const fiftyMB = 50 * 1024 * 1024;
const canaryYaml = 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo}\nspec: {provider: kubernetes, targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}, service: {port: 9898}, analysis: {interval: 10s, threshold: 2, iterations: 1}}\n';

/** A sparse file of `size` bytes starting with `head`: big on stat, nothing on disk. */
function bigFile(dir: string, name: string, head: string, size: number): string {
	const path = join(dir, name);
	writeFileSync(path, head);
	truncateSync(path, size);
	return path;
}

afterEach(() => readFile.mockClear());

describe('huge files', () => {
	const dir = mkdtempSync(join(tmpdir(), 'canary-tui-huge-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));

	it('simulate refuses a 50 MB manifest without reading it, naming the file and the limit', async () => {
		const file = bigFile(dir, 'canary.yaml', canaryYaml, fiftyMB);
		const err: string[] = [];
		const before = process.memoryUsage();
		const started = performance.now();
		const code = await simulateCommand([file], {webhook: [], output: 'text'}, {stdout: () => {}, stderr: line => err.push(line)});
		const ms = performance.now() - started;
		const grown = process.memoryUsage().rss - before.rss;
		expect(code).toBe(2);
		expect(err).toEqual([`${file}: (file): file is 50 MiB, larger than the 8 MiB limit; refusing to parse it`]);
		expect(readsOf(file)).toBe(0);
		console.info(`50 MB manifest refused in ${ms.toFixed(1)} ms, RSS grew ${(grown / 1024 / 1024).toFixed(1)} MiB`);
	});

	it('simulate refuses a 50 MB trace and never reads a 50 MB kustomization.yaml', async () => {
		const sub = mkdtempSync(join(dir, 'apps-'));
		const file = join(sub, 'canary.yaml');
		writeFileSync(file, canaryYaml);
		const kustomization = bigFile(sub, 'kustomization.yaml', 'namespace: apps\n', fiftyMB);
		const trace = bigFile(dir, 'trace.csv', 'time,request-success-rate\n0,100\n', fiftyMB);
		const err: string[] = [];
		expect(await simulateCommand([file], {trace, webhook: [], output: 'text'}, {stdout: () => {}, stderr: line => err.push(line)})).toBe(2);
		expect(err).toEqual([`${trace}: (file): file is 50 MiB, larger than the 8 MiB limit; refusing to parse it`]);
		expect(readsOf(trace)).toBe(0);
		expect(readsOf(kustomization)).toBe(0);
		expect(readsOf(file)).toBe(1);
	});

	it('reads a manifest under the limit once', async () => {
		const file = join(dir, 'padded.yaml');
		writeFileSync(file, `${canaryYaml}# ${'x'.repeat(7 * 1024 * 1024)}\n`);
		const {canaries, errors} = await readCanaryFile(file);
		expect(errors).toEqual([]);
		expect(canaries.map(c => c.metadata.name)).toEqual(['podinfo']);
		expect(readsOf(file)).toBe(1);
	});

	it('the demo folder watcher refuses a 50 MB file without reading it', async () => {
		const file = bigFile(dir, 'demo.yaml', canaryYaml, fiftyMB);
		expect(await readManifestFile(file, 'apps/podinfo/demo.yaml')).toEqual({error: 'apps/podinfo/demo.yaml: file is 50 MiB, larger than the 8 MiB limit; refusing to parse it'});
		expect(readsOf(file)).toBe(0);
	});
});
