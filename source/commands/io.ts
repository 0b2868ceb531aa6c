// Where a command writes: injected so tests can read what a user would see.
import {sanitize} from '../text/sanitize.js';

export type CommandIO = {
	stdout: (line: string) => void;
	stderr: (line: string) => void;
};

export const processIO: CommandIO = {
	stdout: line => process.stdout.write(line + '\n'),
	// Errors quote files, flags and API server answers: no escape sequence reaches the terminal.
	stderr: line => process.stderr.write(sanitize(line, true) + '\n'),
};

/** DESIGN.md §4 exit codes. */
export const exitCodes = {ok: 0, failed: 1, badInput: 2, timedOut: 3} as const;
