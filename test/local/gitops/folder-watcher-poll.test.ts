// The poll alone, as on a filesystem where fs.watch reports nothing.
import {EventEmitter} from 'node:events';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

vi.mock('node:fs', async importOriginal => {
	const original = await importOriginal<typeof import('node:fs')>();
	const silent = () => Object.assign(new EventEmitter(), {close() {}});
	return {...original, watch: vi.fn(silent)};
});

const {watch} = await import('node:fs');
const {watchFolder} = await import('../../../source/local/gitops/folder-watcher.js');
const {seedFiles, writeSeedFolder} = await import('../../../source/local/gitops/seed-folder.js');

let parent: string;

beforeAll(async () => {
	parent = await mkdtemp(join(tmpdir(), 'watcher-poll-test-'));
});

afterAll(async () => {
	await rm(parent, {recursive: true, force: true});
});

describe('watchFolder without fs.watch events', () => {
	it('notices a change by polling, once', async () => {
		const dir = await writeSeedFolder(parent);
		let calls = 0;
		const watcher = watchFolder(dir, () => calls++, {debounceMs: 50, pollMs: 100});
		try {
			await sleep(50);
			// a different size, so the change shows even with coarse mtimes
			await writeFile(join(dir, 'kustomization.yaml'), seedFiles['kustomization.yaml']!.replace('5.0.0', '5.0.10'));
			for (let waited = 0; calls < 1 && waited < 5000; waited += 20) await sleep(20);
			await sleep(400); // and no second call
			expect(calls).toBe(1);
			expect(vi.mocked(watch)).toHaveBeenCalled();
		} finally {
			watcher.close();
		}
	});
});
