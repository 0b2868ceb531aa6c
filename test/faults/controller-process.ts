// `canary-tui -n NS -o json` as a child process the fault tests can SIGKILL and start again:
// every instance's stdout (JSON event lines) and stderr are kept, in order.
import {spawn, type ChildProcess} from 'node:child_process';
import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const dist = new URL('../../dist/', import.meta.url).pathname;

export type Instance = {
	child: ChildProcess;
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	stdout: string;
	stderr: string;
	startedAt: number;
	/** When stderr said the Lease was taken. */
	acquiredAt?: number;
};

export class ControllerProcess {
	readonly instances: Instance[] = [];
	// A private copy of dist/ taken at the start: a rebuild of the shared tree (other work, other
	// suites) during a long run must not break a restart halfway through writing the bundle.
	private readonly copy = mkdtempSync(join(tmpdir(), 'canary-tui-dist-'));
	private readonly cli = join(this.copy, 'cli.js');

	constructor(
		private readonly args: string[],
		private readonly env: NodeJS.ProcessEnv = {},
	) {
		cpSync(dist, this.copy, {recursive: true});
	}

	get current(): Instance | undefined {
		return this.instances.at(-1);
	}

	start(): Instance {
		const child = spawn(process.execPath, [this.cli, ...this.args], {env: {...process.env, ...this.env}, stdio: ['ignore', 'pipe', 'pipe']});
		const instance: Instance = {
			child,
			stdout: '',
			stderr: '',
			startedAt: Date.now(),
			exited: new Promise(resolve => child.on('exit', (code, signal) => resolve({code, signal}))),
		};
		child.stdout!.on('data', chunk => (instance.stdout += chunk));
		child.stderr!.on('data', chunk => {
			instance.stderr += chunk;
			if (instance.acquiredAt === undefined && /acquired lease/.test(instance.stderr)) instance.acquiredAt = Date.now();
		});
		this.instances.push(instance);
		return instance;
	}

	/**
	 * When the running instance began to drive: it logs taking the Lease (leader election, 15 s
	 * to wait out after a kill -9). An instance that says nothing about a lease drives at once.
	 */
	async drivingSince(timeoutMs = 60_000): Promise<number> {
		const instance = this.current!;
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (/acquired lease/.test(instance.stderr)) return instance.acquiredAt ?? Date.now();
			if (!/lease/i.test(instance.stderr) && Date.now() - instance.startedAt > 20_000) return instance.startedAt;
			await new Promise(resolve => setTimeout(resolve, 50));
		}
		throw new Error(`controller instance ${this.instances.length - 1} did not take the lease within ${timeoutMs / 1000}s:\n${instance.stderr}`);
	}

	/** kill -9 the running instance and wait until it is gone. */
	async kill9(): Promise<void> {
		const instance = this.current;
		if (!instance || instance.child.exitCode !== null || instance.child.signalCode !== null) return;
		instance.child.kill('SIGKILL');
		await instance.exited;
	}

	async stop(): Promise<void> {
		const instance = this.current;
		if (!instance || instance.child.exitCode !== null || instance.child.signalCode !== null) return;
		instance.child.kill('SIGTERM');
		const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10_000);
		await instance.exited;
		clearTimeout(timer);
	}

	/** Stops the running instance and removes the copy of dist/. */
	async close(): Promise<void> {
		await this.stop();
		rmSync(this.copy, {recursive: true, force: true});
	}

	/** Every JSON event line printed by every instance. */
	events(): Array<Record<string, unknown>> {
		return this.instances.flatMap(instance =>
			instance.stdout
				.split('\n')
				.filter(line => line.startsWith('{'))
				.map(line => JSON.parse(line) as Record<string, unknown>),
		);
	}

	/** stderr of all instances, for failure messages. */
	stderr(): string {
		return this.instances.map((instance, i) => (instance.stderr ? `[${i}] ${instance.stderr.trim()}` : '')).filter(Boolean).join('\n');
	}
}
