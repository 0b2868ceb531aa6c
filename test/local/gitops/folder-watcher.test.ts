import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {mkdtemp, rename, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {watchFolder} from '../../../source/local/gitops/folder-watcher.js';
import {seedFiles, writeSeedFolder} from '../../../source/local/gitops/seed-folder.js';

let parent: string;
let dir: string;
let watcher: {close(): void} | undefined;
let calls = 0;

beforeAll(async () => {
	parent = await mkdtemp(join(tmpdir(), 'watcher-test-'));
});

afterAll(async () => {
	await rm(parent, {recursive: true, force: true});
});

beforeEach(async () => {
	dir = await writeSeedFolder(parent);
	calls = 0;
	watcher = watchFolder(dir, () => calls++, {debounceMs: 100, pollMs: 150});
	await sleep(50); // the first snapshot
});

afterEach(() => watcher?.close());

const kustomization = seedFiles['kustomization.yaml']!;

// Waits for the expected number of calls (slow machines), then a while longer for extra ones.
async function settled(expected: number): Promise<number> {
	for (let waited = 0; calls < expected && waited < 5000; waited += 20) await sleep(20);
	await sleep(500);
	return calls;
}

describe('watchFolder', () => {
	it('fires once for a burst of writes', async () => {
		for (let n = 1; n <= 5; n++) {
			await writeFile(join(dir, 'kustomization.yaml'), kustomization.replace('5.0.0', `5.0.${n}`));
			await sleep(15);
		}
		expect(await settled(1)).toBe(1); // after several debounce periods and polls
	});

	it('fires for a file replaced by an atomic rename, as editors save', async () => {
		const temporary = join(dir, '.kustomization.yaml.tmp');
		await writeFile(temporary, kustomization.replace('5.0.0', '5.0.1'));
		await rename(temporary, join(dir, 'kustomization.yaml'));
		expect(await settled(1)).toBe(1);
		await writeFile(temporary, kustomization.replace('5.0.0', '5.0.2'));
		await rename(temporary, join(dir, 'kustomization.yaml'));
		expect(await settled(2)).toBe(2);
	});

	it('does not fire without changes, nor after close', async () => {
		await sleep(400);
		expect(calls).toBe(0);
		watcher!.close();
		await writeFile(join(dir, 'canary.yaml'), 'changed\n');
		await sleep(400);
		expect(calls).toBe(0);
	});
});
