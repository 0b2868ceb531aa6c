// Against the real kube-apiserver (KUBECONFIG): API requests per canary per analysis interval
// of the headless controller, counted by the recording proxy (test/support/api-proxy.ts), and the
// CPU of `canary-tui get -w` against `watch -n 2 kubectl get canary` for 50 canaries.
import {execFileSync, spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {ApiProxy} from '../test/support/api-proxy.js';
import {TmuxSession, repoRoot, tmuxVersion} from '../test/e2e-tui/tmux.js';
import {detect} from '../test/cluster/detect-cluster.js';
import {skipped, type Figure} from './figures.js';
import {treeCpuSeconds} from './proc.js';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const cli = join(repoRoot, 'dist/cli.js');
const intervalSeconds = 10;

/**
 * Flagger's reads of one tick of an idle (Initialized, unchanged) canary with the kubernetes
 * provider, each a GET on the API server (Flagger re-reads the canary rather than use its
 * informer cache), after flagger-semantics §3.1 and §8.
 */
export const flaggerReadsPerTick = [
	{step: '§3.1 step 1', read: 'GET the Canary (from the API server, not the cache)'},
	{step: '§3.1 step 4', read: 'GET the target Deployment (selector label, ports)'},
	{step: '§3.1 step 5', read: 'GET services <svc>-canary and <svc>-primary (create or update)'},
	{step: '§3.1 step 8, §8.1', read: 'GET <target>-primary (exists?)'},
	{step: '§3.1 step 10', read: 'GET the apex service <svc>'},
	{step: '§3.1 step 14, §3.2', read: 'GET the target Deployment again (template hash) and its tracked ConfigMaps/Secrets'},
];
const flaggerMinimum = 7; // canary, target x2, three services, primary: before HPA, mesh objects and configs

/** The kubectl built with the local cluster (`local-cluster.sh env` exports its folder). */
function kubectlPath(): string {
	const bin = process.env['CANARY_TUI_CLUSTER_BIN'];
	if (bin && existsSync(join(bin, 'kubectl'))) return join(bin, 'kubectl');
	return execFileSync('bash', ['-c', 'ls -d "${CANARY_TUI_CACHE:-$HOME/.cache/canary-tui}"/bin/k8s-*/kubectl | head -1'], {encoding: 'utf8'}).trim();
}

function kubectl(args: string[], input?: string): string {
	return execFileSync(kubectlPath(), args, {encoding: 'utf8', input, env: process.env, timeout: 60_000});
}

function fleetManifests(namespace: string, canaries: number): string {
	const docs: string[] = [];
	for (let i = 0; i < canaries; i++) {
		const name = `app-${String(i).padStart(3, '0')}`;
		docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: podinfod, image: "ghcr.io/stefanprodan/podinfo:5.0.0", ports: [{containerPort: 9898}]}]
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  provider: kubernetes
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  progressDeadlineSeconds: 600
  service: {port: 9898, targetPort: 9898}
  analysis: {interval: ${intervalSeconds}s, threshold: 2, iterations: 2}
`);
	}
	return docs.join('---\n');
}

function phases(namespace: string): string[] {
	return kubectl(['get', 'canaries', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']).split('\n').filter(Boolean);
}

async function untilInitialized(namespace: string, canaries: number, timeoutMs: number): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const now = phases(namespace);
		if (now.length === canaries && now.every(p => p === 'Initialized')) return;
		if (performance.now() > deadline) throw new Error(`canaries in ${namespace} not Initialized after ${timeoutMs / 1000} s: ${now.join(' ')}`);
		await sleep(1000);
	}
}

export async function clusterFigures(options: {quick: boolean; getWatchCommand: boolean}): Promise<Figure[]> {
	const requestsName = 'API requests per canary per interval (idle)';
	const cpuName = 'CPU: watch -n 2 kubectl get canary / get -w';
	const cluster = await detect();
	if (!cluster.connection) {
		const reason = `no real API server: ${cluster.reason} (eval "$(bash scripts/local-cluster.sh env)" first)`;
		console.error(`\n!!! cluster figures SKIPPED: ${reason}\n`);
		return [skipped('cluster', requestsName, 'requests', `Flagger >= ${flaggerMinimum}`, 'recording proxy', reason), skipped('cluster', cpuName, 'x', undefined, '/proc', reason)];
	}
	const canaries = 50;
	const namespace = `bench-${process.pid}-${Date.now().toString(36)}`;
	const figures: Figure[] = [];
	kubectl(['create', 'namespace', namespace]);
	let proxy: ApiProxy | undefined;
	let controller: ReturnType<typeof spawn> | undefined;
	try {
		kubectl(['apply', '-f', '-'], fleetManifests(namespace, canaries));
		proxy = await ApiProxy.start({kubeconfig: process.env['KUBECONFIG']!, namespace});
		controller = spawn(process.execPath, [cli, 'controller', '-n', namespace, '--kubeconfig', proxy.kubeconfig, '--port', '0'], {stdio: 'ignore'});
		await untilInitialized(namespace, canaries, 240_000);
		// Let the last initialization writes pass, then count whole intervals.
		await sleep(intervalSeconds * 1000);
		proxy.clear();
		const intervals = options.quick ? 3 : 6;
		await sleep(intervals * intervalSeconds * 1000);
		const requests = proxy.requests.filter(r => !r.watch);
		const byKind = new Map<string, number>();
		for (const r of requests) {
			const which = r.name === undefined ? '' : r.name.endsWith('-primary') ? ' <name>-primary' : r.name.endsWith('-canary') ? ' <name>-canary' : ' <name>';
			const key = `${r.verb} ${r.resource ?? r.path}${r.subresource ? `/${r.subresource}` : ''}${r.resource === 'leases' ? '' : which}`;
			byKind.set(key, (byKind.get(key) ?? 0) + 1);
		}
		const perCanaryPerInterval = requests.length / canaries / intervals;
		const breakdown = Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Number((v / canaries / intervals).toFixed(2))]));
		figures.push({
			group: 'cluster',
			name: requestsName,
			value: perCanaryPerInterval,
			unit: 'requests',
			goal: `Flagger >= ${flaggerMinimum}`,
			method: `\`canary-tui controller -n NS\` (dist/cli.js) on the real kube-apiserver through a recording proxy (test/support/api-proxy.ts); ${canaries} canaries (kubernetes provider, interval ${intervalSeconds}s) all Initialized, no release; every non-watch request over ${intervals} intervals divided by canaries x intervals (watch streams are not counted: they stay open). Per canary per interval: ${JSON.stringify(breakdown)}. Flagger's reads per tick of the same canary (semantics §3.1, §8): ${flaggerReadsPerTick.map(r => `${r.read} [${r.step}]`).join('; ')}`,
			detail: {canaries, intervals, requests: requests.length, breakdown, flaggerReadsPerTick},
		});
		controller.kill('SIGTERM');
		controller = undefined;

		if (!options.getWatchCommand) {
			figures.push(skipped('cluster', cpuName, 'x', undefined, '/proc', '`canary-tui get -w` is not built (source/commands/get-command.ts)'));
		} else if (!tmuxVersion() || !existsSync('/usr/bin/watch')) {
			figures.push(skipped('cluster', cpuName, 'x', undefined, '/proc', 'needs tmux and watch (procps)'));
		} else {
			try {
				figures.push(...(await watchCpu(cpuName, namespace, canaries, options.quick ? 30 : 120)));
			} catch (error) {
				figures.push({...skipped('cluster', cpuName, 'x', undefined, '/proc', ''), note: `FAILED: ${(error as Error).message}`});
			}
		}
	} finally {
		controller?.kill('SIGTERM');
		await proxy?.close();
		try {
			kubectl(['delete', 'namespace', namespace, '--wait=false']);
		} catch (error) {
			console.error(`could not delete namespace ${namespace}: ${(error as Error).message}`);
		}
	}
	return figures;
}

/** Both in 80x24 tmux panes at once, on the same idle canaries; CPU of each process tree. */
async function watchCpu(cpuName: string, namespace: string, canaries: number, seconds: number): Promise<Figure[]> {
	const kubeconfig = process.env['KUBECONFIG']!;
	const ours = new TmuxSession(80, 24, `exec env -u NODE_EXTRA_CA_CERTS node ${cli} get -w -n ${namespace} --kubeconfig ${kubeconfig}`);
	const theirs = new TmuxSession(80, 24, `exec watch -n 2 ${kubectlPath()} --kubeconfig ${kubeconfig} get canary -n ${namespace}`);
	try {
		// get -w prints the whole table and scrolls; watch shows the screen's top rows.
		await ours.waitFor('get -w table', screen => screen.includes(`app-${String(canaries - 1).padStart(3, '0')}`), 30_000, 200);
		await theirs.waitFor('kubectl table', screen => screen.includes('app-000'), 30_000, 200);
		const oursPid = Number(ours.display('#{pane_pid}'));
		const theirsPid = Number(theirs.display('#{pane_pid}'));
		const before = [treeCpuSeconds(oursPid), treeCpuSeconds(theirsPid)];
		await sleep(seconds * 1000);
		const ourCpu = treeCpuSeconds(oursPid) - before[0]!;
		const theirCpu = treeCpuSeconds(theirsPid) - before[1]!;
		const method = `both at once in 80x24 tmux panes for ${seconds} s on the same ${canaries} idle canaries (no controller running): \`canary-tui get -w -n NS\` (dist/cli.js, one watch on the API server) and \`watch -n 2 kubectl get canary -n NS\` (procps watch; a new kubectl process every 2 s); utime+stime of each process tree from /proc, ended children included`;
		return [
			{group: 'cluster', name: cpuName, value: theirCpu / ourCpu, unit: 'x', method: `CPU of the kubectl tree divided by CPU of get -w; ${method}`, detail: {getWatchCpuSeconds: ourCpu, kubectlWatchCpuSeconds: theirCpu, seconds}},
			{group: 'cluster', name: '  canary-tui get -w', value: (ourCpu / seconds) * 100, unit: '% of a core', method},
			{group: 'cluster', name: '  watch -n 2 kubectl get canary', value: (theirCpu / seconds) * 100, unit: '% of a core', method},
		];
	} finally {
		ours.close();
		theirs.close();
	}
}
