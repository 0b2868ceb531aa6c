// Notices edits to a folder of manifests. Real time, not the virtual Clock: it follows the user's
// editor. fs.watch reports quickly, but some filesystems (network mounts, some containers) drop
// events, so a slow poll of names, sizes, mtimes and inodes backs it up.
import {watch, type FSWatcher} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';

export type WatchOptions = {
	/** Quiet time after the last change before onChange runs; default 150 ms. */
	debounceMs?: number;
	/** Interval of the fallback poll; default 2000 ms. */
	pollMs?: number;
};

export function watchFolder(dir: string, onChange: () => void, opts: WatchOptions = {}): {close(): void} {
	const debounceMs = opts.debounceMs ?? 150;
	const pollMs = opts.pollMs ?? 2000;
	let closed = false;
	let watcher: FSWatcher | undefined;
	let debounce: NodeJS.Timeout | undefined;
	// An fs.watch event since the last call: trusted even when the snapshot looks unchanged,
	// since mtimes can be coarser than a quick edit.
	let eventSeen = false;
	let baseline: Promise<string> = snapshot(dir);

	const schedule = () => {
		if (closed) return;
		clearTimeout(debounce);
		debounce = setTimeout(settle, debounceMs);
		debounce.unref();
	};

	const settle = async () => {
		const trusted = eventSeen;
		eventSeen = false;
		// Swapped before awaiting, so overlapping runs compare against each other in order.
		const previous = baseline;
		const current = snapshot(dir);
		baseline = current;
		const changed = trusted || (await current) !== (await previous);
		if (changed && !closed) onChange();
	};

	// Editors replace files (write a temporary file, rename it over the old one): watching the
	// folder rather than each file sees those renames, and keeps working afterwards.
	const startWatcher = () => {
		try {
			watcher = watch(dir, {persistent: false}, () => {
				eventSeen = true;
				schedule();
			});
			watcher.on('error', () => {
				watcher?.close();
				watcher = undefined; // the poll carries on and tries again
			});
		} catch {
			watcher = undefined;
		}
	};

	let polling = false;
	const poll = setInterval(async () => {
		if (closed || polling) return;
		polling = true;
		try {
			if (!watcher) startWatcher();
			const [previous, current] = await Promise.all([baseline, snapshot(dir)]);
			if (current !== previous) schedule();
		} finally {
			polling = false;
		}
	}, pollMs);
	poll.unref();

	startWatcher();
	return {
		close() {
			closed = true;
			clearTimeout(debounce);
			clearInterval(poll);
			watcher?.close();
			watcher = undefined;
		},
	};
}

/** Names, sizes, mtimes and inodes of the folder's entries, as one comparable string. */
async function snapshot(dir: string): Promise<string> {
	try {
		const names = (await readdir(dir)).sort();
		const entries = await Promise.all(names.map(async name => {
			try {
				const info = await stat(join(dir, name));
				return `${name}\0${info.size}\0${info.mtimeMs}\0${info.ino}`;
			} catch {
				return `${name}\0gone`;
			}
		}));
		return entries.join('\n');
	} catch (error) {
		return `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
	}
}
