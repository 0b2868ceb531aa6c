import {afterAll, describe, expect, it} from 'vitest';
import {readdirSync, readFileSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {seedFiles, writeSeedFolder} from '../../../source/local/gitops/seed-folder.js';

const fixtures = fileURLToPath(new URL('../../fixtures/podinfo/', import.meta.url));
const parents: string[] = [];

afterAll(async () => {
	await Promise.all(parents.map(parent => rm(parent, {recursive: true, force: true})));
});

describe('seedFiles', () => {
	it('embeds the text of test/fixtures/podinfo byte for byte', () => {
		const names = readdirSync(fixtures).sort();
		expect(Object.keys(seedFiles).sort()).toEqual(names);
		for (const name of names) expect(seedFiles[name], name).toBe(readFileSync(join(fixtures, name), 'utf8'));
	});
});

describe('writeSeedFolder', () => {
	it('writes apps/podinfo into a fresh canary-tui-demo- folder', async () => {
		const parent = await mkdtemp(join(tmpdir(), 'seed-test-'));
		parents.push(parent);
		const first = await writeSeedFolder(parent);
		const second = await writeSeedFolder(parent);
		expect(first).not.toBe(second);
		for (const folder of [first, second]) {
			expect(basename(folder)).toBe('podinfo');
			expect(basename(dirname(folder))).toBe('apps');
			expect(dirname(dirname(dirname(folder)))).toBe(parent);
			expect(basename(dirname(dirname(folder)))).toMatch(/^canary-tui-demo-/);
		}
		expect((await readdir(first)).sort()).toEqual(Object.keys(seedFiles).sort());
		for (const [name, text] of Object.entries(seedFiles)) expect(await readFile(join(first, name), 'utf8')).toBe(text);
	});

	it('defaults to the system temporary folder', async () => {
		const folder = await writeSeedFolder();
		const root = dirname(dirname(folder));
		parents.push(root);
		expect(dirname(root)).toBe(tmpdir());
	});
});
