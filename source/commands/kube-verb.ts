// What every scripting verb (get, logs, wait, promote…) shares: the connection from
// --kubeconfig/--context/-n/-A with any failure as one line and exit 2, and a watch that
// first lists (so the caller can print what is there) and then reports each change.
import {connect, ConnectionError, explain, type Connection} from '../kube/connection.js';
import {KubeStore} from '../kube/kube-store.js';
import type {WatchEvent} from '../kube/objects.js';
import {exitCodes, type CommandIO} from './io.js';

export type VerbFlags = {
	kubeconfig?: string;
	context?: string;
	namespace?: string;
	allNamespaces?: boolean;
	readonly?: boolean;
};

export type Scope = {connection: Connection; /** undefined with -A */ namespace: string | undefined};

/**
 * The connection and the scope, or the exit code after printing why there is none. Only the
 * actions need to know who we are (`identify`: a SelfSubjectReview, which is a create request).
 */
export async function openScope(flags: VerbFlags, io: CommandIO, identify = false): Promise<Scope | number> {
	try {
		const connection = await connect({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, identify});
		return {connection, namespace: flags.allNamespaces ? undefined : connection.namespace};
	} catch (error) {
		if (error instanceof ConnectionError) {
			io.stderr(error.message);
			return exitCodes.badInput;
		}
		throw error;
	}
}

/** A flag's value among `allowed` (the fallback when absent), or undefined after saying what was expected. */
export function choiceOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T, io: CommandIO): T | undefined {
	const chosen = (value ?? fallback) as T;
	if (allowed.includes(chosen)) return chosen;
	io.stderr(`${flag}: expected ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got "${value}"`);
	return undefined;
}

/** `get` and `logs` take at most one canary NAME. */
export function atMostOneName(verb: string, args: string[], io: CommandIO): boolean {
	if (args.length <= 1) return true;
	io.stderr(`canary-tui ${verb}: expected at most one canary NAME, got ${args.length}: ${args.join(' ')}`);
	return false;
}

export function badInput(io: CommandIO, line: string): number {
	io.stderr(line);
	return exitCodes.badInput;
}

/** Runs `body`; an API error becomes its one line on stderr and exit 2. */
export async function explained(scope: Scope, io: CommandIO, body: () => Promise<number>): Promise<number> {
	try {
		return await body();
	} catch (error) {
		io.stderr(explain(error, scope.connection).message);
		return exitCodes.badInput;
	}
}

/**
 * Lists and watches `kinds` in the scope: resolves once listed (`cached` then holds the list)
 * and calls `onChange` for every change after that; rejects when the first list fails.
 */
export async function watchScope(scope: Scope, kinds: string[], onChange: (event: WatchEvent) => void, onTrouble: (message: string) => void): Promise<KubeStore> {
	let failFirst: (error: Error) => void = () => {};
	const firstFailure = new Promise<never>((_, reject) => (failFirst = reject));
	let listed = false;
	const store = new KubeStore({
		kc: scope.connection.kc,
		namespace: scope.namespace,
		kinds,
		replayInitialList: false,
		onWatchError: (kind, error) => (listed ? onTrouble(`watch ${kind}: ${error.message}`) : failFirst(error)),
	});
	store.watch(onChange);
	try {
		await Promise.race([store.synced(), firstFailure]);
	} catch (error) {
		await store.close();
		throw error;
	}
	listed = true;
	return store;
}
