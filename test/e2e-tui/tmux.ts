// Drives the real binary in a real terminal: a detached tmux session of a given size, keys
// sent with send-keys, the screen read with capture-pane. Each session gets its own tmux
// server, its socket (-S) in the session's scratch folder: nothing here touches anyone else's
// tmux, and nothing is left behind.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function tmuxVersion(): string | undefined {
	const result = spawnSync('tmux', ['-V'], {encoding: 'utf8'});
	return result.status === 0 ? result.stdout.trim() : undefined;
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, Math.min(ms, 1000)));

/** The environment a person's shell would have: none of the test runner's variables. */
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (key.startsWith('VITEST') || key === 'NODE_ENV' || key === 'FORCE_COLOR' || key === 'NO_COLOR' || key === 'TMUX' || key === 'TMUX_PANE') continue;
		env[key] = value;
	}
	return env;
}

let counter = 0;

export class TmuxSession {
	readonly scratch = mkdtempSync(join(tmpdir(), `canary-tui-tmux-${counter++}-`));
	readonly socket = join(this.scratch, 'tmux.sock');
	private closed = false;

	/** Starts `command` (run by the shell, in the repo) in a detached columns x rows session. */
	constructor(
		readonly columns: number,
		readonly rows: number,
		command: string,
	) {
		// The demo writes its seed folder under TMPDIR: keep it in our scratch folder.
		const full = `TMPDIR='${this.scratch}' ${command}`;
		this.tmux('new-session', '-d', '-s', 'main', '-x', String(columns), '-y', String(rows), '-c', repoRoot, full);
		this.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
	}

	tmux(...args: string[]): string {
		const result = spawnSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], {encoding: 'utf8', env: cleanEnv(), timeout: 10_000});
		if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
		return result.stdout;
	}

	/** The screen as text; `joined` joins lines tmux wrapped, so over-wide lines show as such. */
	capture(joined = false): string {
		return this.tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', 'main');
	}

	lines(joined = false): string[] {
		return this.capture(joined).replace(/\n$/, '').split('\n');
	}

	/** tmux format variables of the pane, e.g. alternate_on, cursor_flag. */
	display(format: string): string {
		return this.tmux('display-message', '-p', '-t', 'main', format).trim();
	}

	/** Sends keys as a person types them (tmux key names: Enter, Escape, Space, C-c). */
	send(...keys: string[]): void {
		this.tmux('send-keys', '-t', 'main', ...keys);
	}

	/** Sends text literally (no key-name lookup). */
	type(text: string): void {
		this.tmux('send-keys', '-t', 'main', '-l', text);
	}

	/** Polls the screen (never sleeping more than `everyMs` ≤ 1 s) until `check` holds. */
	async waitFor(what: string, check: (screen: string) => boolean, timeoutMs: number, everyMs = 100, onScreen?: (screen: string) => void): Promise<string> {
		const deadline = performance.now() + timeoutMs;
		let screen = '';
		for (;;) {
			screen = this.capture();
			onScreen?.(screen);
			if (check(screen)) return screen;
			if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
			await sleep(Math.min(everyMs, 1000));
		}
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		// Ends this session's own tmux server (and the demo in it) only.
		spawnSync('tmux', ['-S', this.socket, 'kill-server'], {encoding: 'utf8', timeout: 10_000});
		rmSync(this.scratch, {recursive: true, force: true});
	}
}
