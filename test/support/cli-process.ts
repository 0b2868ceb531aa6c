// The built binary (dist/cli.js) as a child process whose output a test reads while it runs.
import {spawn} from 'node:child_process';

export const cliPath = new URL('../../dist/cli.js', import.meta.url).pathname;

/** Starts `canary-tui ARGS` (NO_COLOR, stdin closed); `env` is added to this process's. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
	const child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += chunk));
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
	return {child, exited, out: () => stdout, err: () => stderr, lines: () => stdout.split('\n').filter(Boolean)};
}
