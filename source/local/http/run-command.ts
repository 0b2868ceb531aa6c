// Runs a shell command in its own process group with combined output and a timeout on the
// Clock, reporting failures in the words of Go's os/exec (`exit status 1`, `signal: killed`),
// which is what the Flagger load tester returns to Flagger.
import {spawn} from 'node:child_process';
import type {Clock} from '../../clock.js';

export type CommandResult = {ok: boolean; output: string; error?: string};

export type RunCommandOptions = {clock: Clock; timeoutMs: number; signal?: AbortSignal};

const maxOutputBytes = 1024 * 1024;
const signalWords: Record<string, string> = {SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGHUP: 'hangup', SIGPIPE: 'broken pipe', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted'};

export function runCommand(shell: 'sh' | 'bash', command: string, options: RunCommandOptions): Promise<CommandResult> {
	return new Promise(resolve => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const child = spawn(shell, ['-c', command], {detached: true, stdio: ['ignore', 'pipe', 'pipe']});
		const collect = (chunk: Buffer) => {
			if (size >= maxOutputBytes) return;
			chunks.push(chunk);
			size += chunk.length;
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);

		// The whole group goes: a pipeline's children must not outlive a timed-out command.
		const kill = () => {
			if (child.pid === undefined || settled) return;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// The group is gone already.
			}
		};
		const timer = options.clock.setTimeout(kill, options.timeoutMs);
		if (options.signal?.aborted) kill();
		options.signal?.addEventListener('abort', kill, {once: true});

		const settle = (result: CommandResult) => {
			if (settled) return;
			settled = true;
			timer.cancel();
			options.signal?.removeEventListener('abort', kill);
			resolve(result);
		};
		child.on('error', error => settle({ok: false, output: '', error: `exec: "${shell}": ${error.message}`}));
		child.on('close', (code, signal) => {
			const output = Buffer.concat(chunks).toString('utf8');
			if (code === 0) settle({ok: true, output});
			else settle({ok: false, output, error: signal ? `signal: ${signalWords[signal] ?? signal}` : `exit status ${code ?? 1}`});
		});
	});
}
