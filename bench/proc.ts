// CPU time and memory of processes, read from /proc (Linux): a process and all its descendants.
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

type Stat = {pid: number; ppid: number; cpuSeconds: number};

function stat(pid: number): Stat | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: split after the last ')'.
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
		const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
		return {pid, ppid: Number(fields[1]), cpuSeconds: (utime! + stime! + cutime! + cstime!) / clockTicks};
	} catch {
		return undefined;
	}
}

function allStats(): Stat[] {
	return readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.map(name => stat(Number(name)))
		.filter((s): s is Stat => s !== undefined);
}

/**
 * A process tree's CPU seconds so far: the root, every live descendant, and (through cutime and
 * cstime) descendants that ended and were waited for. Call it at the start and the end of a
 * window; a short-lived child that ends inside the window counts once its parent reaps it.
 */
export function treeCpuSeconds(root: number): number {
	const stats = allStats();
	const children = new Map<number, Stat[]>();
	for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
	let total = 0;
	const visit = (pid: number) => {
		const own = stats.find(s => s.pid === pid);
		if (own) total += own.cpuSeconds;
		for (const child of children.get(pid) ?? []) visit(child.pid);
	};
	visit(root);
	return total;
}

/** Resident set size of one process, in MB (VmRSS). */
export function rssMegabytes(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : Number.NaN;
}

export function machine(): {cores: number; cpu: string; memoryGB: number; node: string; kernel: string} {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	const meminfo = readFileSync('/proc/meminfo', 'utf8');
	return {
		cores: Number(execFileSync('nproc').toString().trim()),
		cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
		memoryGB: Math.round(Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1024 / 1024),
		node: process.version,
		kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
	};
}

/** CPU seconds of this process's children that ended and were waited for (cutime + cstime). */
export function reapedChildrenCpuSeconds(): number {
	const text = readFileSync('/proc/self/stat', 'utf8');
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[13]) + Number(fields[14])) / clockTicks;
}
