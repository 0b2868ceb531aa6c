// canary-tui: parse argv, pick a command, wire adapters, render or print.
import meow from 'meow';
import {exitCodes, processIO} from './commands/io.js';

const help = `
  Usage
    $ canary-tui [--kubeconfig F] [--context C] [-n NS | -A] [--readonly]
    $ canary-tui <command> [options]

  With no command: the controller on the current kube context, live in the dashboard on a
  terminal, or one JSON event line per event when stdout is not a terminal.

  Commands
    demo                 The podinfo story on your machine: a local mesh with real HTTP, no cluster
    simulate FILE.yaml   Replay one release of a Canary on a virtual clock (offline)
    controller           The controller without a UI: Flagger-style JSON logs, /healthz and /metrics
    get [NAME]           Canaries as kubectl get canary prints them (-w: then a line per change)
    logs [NAME]          The Canary's Events as Flagger's messages, oldest first (-f: follow)
    wait NAME            Exit 0 when the running revision is promoted, 1 when it failed, 3 on timeout
    promote|rollback|pause|resume NAME
                         Ask the controller (a request on the Canary); exit 0 accepted, 1 refused, 3 no answer

  demo options
    --dir DIR                   A kustomization folder to run and watch (default: the seed's, in a new temp folder)
    --speed N                   Time runs N times faster (default 1)
    --port N                    The gateway's port on 127.0.0.1 (default 8080)
    --script seed               Play the seed unattended: 5.0.1, A/B 5.0.2, 5.0.3 with HTTP 500s; exit 0 if it ends as the seed does
    -o, --output text|json      Plain lines, or JSON lines on stdout (default: the dashboard on a terminal, text otherwise)
    --once                      Print the first complete dashboard frame and exit
    --prometheus URL            Analyse through this Prometheus (App Mesh queries, windows scaled by --speed)
                                instead of in-process counters; it must scrape the demo's $URL/metrics
    --print-prometheus-config   Print a prometheus.yml scraping the demo at --port, for --speed, and exit

  cluster mode and controller options
    --lease-namespace NS        Where the leader-election Lease of -A lives (default "default"; -n NS uses NS)
    --port N                    controller: /healthz and /metrics port (default 8080)
    --listen-address ADDR       controller: address to serve them on (default 127.0.0.1; 0.0.0.0 in a pod)
    --metrics-server URL        The Prometheus of builtin metrics and of MetricTemplates without an address
                                (Flagger's -metrics-server; default http://prometheus:9090)

  get, logs, wait and action options (with --kubeconfig, --context, -n NS, -A)
    -o, --output FORMAT         get: table, wide, json or yaml (default table); logs: text or json (default text)
    -w, --watch                 get: after the table, print a row per change until interrupted
    -f, --follow                logs: keep printing new events
    --for promoted|failed       wait: the outcome to wait for
    --timeout DURATION          wait (default 10m) and actions (default 1m): Go durations like 90s, 15m, 1h30m

  simulate options
    --trace FILE.csv            Metric values over time: header "time,<metric>,..."
    --webhook NAME=RESULT       pass, fail or fail:N (fail the first N calls); repeatable
    --template FILE             MetricTemplates (YAML) for the canary's templateRef metrics; repeatable
    -o, --output text|json      Event messages, or Flagger-style JSON lines (default text)
    -n, --namespace NS          Namespace of canaries without metadata.namespace (default: the
                                namespace of a kustomization.yaml in the folder of FILE, else "default")
    --name NAME                 Which Canary, when the file holds several
    --mesh-provider NAME        Flagger's -mesh-provider, for canaries without spec.provider (default istio)
    --start TIME                RFC 3339 time of t=0 in JSON timestamps (default 1970-01-01T00:00:00Z)

  Events and alerts (demo, cluster mode and controller; Flagger's flags, or the environment variable named)
    --event-webhook URL         POST every event to URL (EVENT_WEBHOOK_URL), for canaries without "type: event" hooks
    --cluster-name NAME         Add a "Cluster" field to alerts
    --slack-url URL             Alerts of canaries without analysis.alerts go to Slack (SLACK_URL), with
                                --slack-token (SLACK_TOKEN), --slack-proxy-url (SLACK_PROXY_URL),
                                --slack-user (default flagger), --slack-channel (default general)
    --msteams-url URL           ... or to MS Teams instead (MSTEAMS_URL), with --msteams-proxy-url (MSTEAMS_PROXY_URL)

  Dashboard keys
    j/k select  g/G first/last  enter/tab focus  / filter  esc back  ? help  q quit
    p promote  r roll back  space pause/resume (each asks y/n)
    demo: n next version  a canary <-> A/B  e HTTP 500s  l slow responses

  Global options
    --no-color (or NO_COLOR)   --ascii (no box-drawing or block characters)
    --readonly (never write)   --help, --version

  Exit codes
    0 promoted / action accepted   1 failed / action refused   2 bad input
    3 timed out (wait, actions; simulate: no terminal phase within 24h of virtual time)

  Examples
    $ kubectl apply -k overlays/prod && canary-tui wait podinfo -n prod --for=promoted --timeout 15m
    $ canary-tui simulate canary.yaml --trace trace.csv --output json | jq .msg
    $ canary-tui simulate abtest.yaml --webhook acceptance-test=fail:2
`;

type Cli = ReturnType<typeof parse>;

function parse() {
	return meow(help, {
		importMeta: import.meta,
		allowUnknownFlags: false,
		flags: {
			trace: {type: 'string'},
			webhook: {type: 'string', isMultiple: true, default: []},
			template: {type: 'string', isMultiple: true, default: []},
			metricsServer: {type: 'string'},
			output: {type: 'string', shortFlag: 'o'},
			namespace: {type: 'string', shortFlag: 'n'},
			name: {type: 'string'},
			meshProvider: {type: 'string'},
			start: {type: 'string'},
			dir: {type: 'string'},
			speed: {type: 'number'},
			port: {type: 'number'},
			script: {type: 'string'},
			prometheus: {type: 'string'},
			eventWebhook: {type: 'string'},
			clusterName: {type: 'string'},
			slackUrl: {type: 'string'},
			slackToken: {type: 'string'},
			slackProxyUrl: {type: 'string'},
			slackUser: {type: 'string'},
			slackChannel: {type: 'string'},
			msteamsUrl: {type: 'string'},
			msteamsProxyUrl: {type: 'string'},
			printPrometheusConfig: {type: 'boolean', default: false},
			once: {type: 'boolean', default: false},
			color: {type: 'boolean', default: true},
			ascii: {type: 'boolean', default: false},
			readonly: {type: 'boolean', default: false},
			kubeconfig: {type: 'string'},
			context: {type: 'string'},
			allNamespaces: {type: 'boolean', shortFlag: 'A', default: false},
			leaseNamespace: {type: 'string'},
			listenAddress: {type: 'string'},
			watch: {type: 'boolean', shortFlag: 'w', default: false},
			follow: {type: 'boolean', shortFlag: 'f', default: false},
			for: {type: 'string'},
			timeout: {type: 'string'},
		},
	});
}

// A closed pipe (`| head`) is a normal way for a reader to stop listening.
process.stdout.on('error', error => {
	if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
	throw error;
});

/** meow reads `--speed` with nothing after it as absent; a person who typed it meant something. */
function missingValue(flags: string[]): string | undefined {
	const argv = process.argv.slice(2);
	return flags.find(flag => {
		const index = argv.indexOf(`--${flag}`);
		return index >= 0 && (argv[index + 1] === undefined || argv[index + 1]!.startsWith('-'));
	});
}

/** --metrics-server: a URL, or one line naming the flag and exit 2. */
async function metricsServerValid(flags: Cli['flags']): Promise<boolean> {
	const {metricsServerFlag} = await import('./commands/cluster-ports.js');
	const parsed = metricsServerFlag(flags);
	if (!parsed.ok) processIO.stderr(parsed.error);
	return parsed.ok;
}

/** --event-webhook and the global notifier flags (or their env variables): a bad one is named, exit 2. */
async function deliveryFlagsValid(flags: Cli['flags']): Promise<boolean> {
	const {deliveryFlags} = await import('./webhooks/delivery-flags.js');
	const parsed = deliveryFlags(flags);
	if (!parsed.ok) processIO.stderr(parsed.error);
	return parsed.ok;
}

async function main(): Promise<number> {
	let cli: Cli;
	try {
		cli = parse();
	} catch (error) {
		processIO.stderr(`canary-tui: ${(error as Error).message}`);
		return exitCodes.badInput;
	}
	const missing = missingValue(['speed', 'port', 'timeout', 'for']);
	if (missing) {
		processIO.stderr(`--${missing}: expected ${missing === 'timeout' ? 'a duration like 10m' : missing === 'for' ? 'promoted or failed' : 'a number'} after the flag`);
		return exitCodes.badInput;
	}
	// meow shows help only for a lone --help; `canary-tui controller --help` must not start a controller.
	if (process.argv.slice(2).includes('--help')) cli.showHelp(0);
	const [command, ...args] = cli.input;
	switch (command) {
		// Commands load on demand: simulate never pays for the Kubernetes client or Ink.
		case 'demo': {
			if (!(await deliveryFlagsValid(cli.flags))) return exitCodes.badInput;
			const {demoCommand} = await import('./commands/demo-command.js');
			return demoCommand({...cli.flags, speed: cli.flags.speed ?? 1, port: cli.flags.port ?? 8080}, processIO);
		}
		case 'simulate': {
			const {simulateCommand} = await import('./commands/simulate-command.js');
			return simulateCommand(args, {...cli.flags, output: cli.flags.output ?? 'text'}, processIO);
		}
		// The scripting verbs never load Ink.
		case 'get': {
			const {getCommand} = await import('./commands/get-command.js');
			return getCommand(args, cli.flags, processIO);
		}
		case 'logs': {
			const {logsCommand} = await import('./commands/logs-command.js');
			return logsCommand(args, cli.flags, processIO);
		}
		case 'wait': {
			const {waitCommand} = await import('./commands/wait-command.js');
			return waitCommand(args, cli.flags, processIO);
		}
		case 'promote':
		case 'rollback':
		case 'pause':
		case 'resume': {
			const {actionCommand} = await import('./commands/action-command.js');
			return actionCommand(command, args, cli.flags, processIO);
		}
		case 'controller': {
			if (args.length > 0) {
				processIO.stderr(`canary-tui controller: unexpected argument "${args[0]}" (it drives every canary of -n NS, or of all namespaces with -A)`);
				return exitCodes.badInput;
			}
			if (!(await deliveryFlagsValid(cli.flags)) || !(await metricsServerValid(cli.flags))) return exitCodes.badInput;
			const {controllerCommand} = await import('./commands/controller-command.js');
			return controllerCommand({...cli.flags, version: cli.pkg.version}, processIO);
		}
		case undefined: {
			if (!(await deliveryFlagsValid(cli.flags)) || !(await metricsServerValid(cli.flags))) return exitCodes.badInput;
			const {clusterCommand} = await import('./commands/cluster-command.js');
			return clusterCommand(cli.flags, processIO);
		}
		default:
			processIO.stderr(`canary-tui: unknown command "${command}"; run canary-tui --help for the commands`);
			return exitCodes.badInput;
	}
}

process.exitCode = await main();
