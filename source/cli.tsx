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

  demo options
    --dir DIR                   A kustomization folder to run and watch (default: the seed's, in a new temp folder)
    --speed N                   Time runs N times faster (default 1)
    --port N                    The gateway's port on 127.0.0.1 (default 8080)
    --script seed               Play the seed unattended: 5.0.1, A/B 5.0.2, 5.0.3 with HTTP 500s; exit 0 if it ends as the seed does
    -o, --output text|json      Plain lines, or JSON lines on stdout (default: the dashboard on a terminal, text otherwise)
    --once                      Print the first complete dashboard frame and exit

  simulate options
    --trace FILE.csv            Metric values over time: header "time,<metric>,..."
    --webhook NAME=RESULT       pass, fail or fail:N (fail the first N calls); repeatable
    -o, --output text|json      Event messages, or Flagger-style JSON lines (default text)
    -n, --namespace NS          Namespace of canaries without metadata.namespace (default: the
                                namespace of a kustomization.yaml in the folder of FILE, else "default")
    --name NAME                 Which Canary, when the file holds several
    --mesh-provider NAME        Flagger's -mesh-provider, for canaries without spec.provider (default istio)
    --start TIME                RFC 3339 time of t=0 in JSON timestamps (default 1970-01-01T00:00:00Z)

  Dashboard keys
    j/k select  g/G first/last  enter/tab focus  / filter  esc back  ? help  q quit
    p promote  r roll back  space pause/resume (each asks y/n)
    demo: n next version  a canary <-> A/B  e HTTP 500s  l slow responses

  Global options
    --no-color (or NO_COLOR)   --ascii (no box-drawing or block characters)
    --readonly (never write)   --help, --version

  Exit codes
    0 promoted   1 failed   2 bad input   3 no terminal phase within 24h of virtual time

  Examples
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
			output: {type: 'string', shortFlag: 'o'},
			namespace: {type: 'string', shortFlag: 'n'},
			name: {type: 'string'},
			meshProvider: {type: 'string'},
			start: {type: 'string'},
			dir: {type: 'string'},
			speed: {type: 'number'},
			port: {type: 'number'},
			script: {type: 'string'},
			once: {type: 'boolean', default: false},
			color: {type: 'boolean', default: true},
			ascii: {type: 'boolean', default: false},
			readonly: {type: 'boolean', default: false},
			kubeconfig: {type: 'string'},
			context: {type: 'string'},
			allNamespaces: {type: 'boolean', shortFlag: 'A', default: false},
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

async function main(): Promise<number> {
	let cli: Cli;
	try {
		cli = parse();
	} catch (error) {
		processIO.stderr(`canary-tui: ${(error as Error).message}`);
		return exitCodes.badInput;
	}
	const missing = missingValue(['speed', 'port']);
	if (missing) {
		processIO.stderr(`--${missing}: expected a number after the flag`);
		return exitCodes.badInput;
	}
	const [command, ...args] = cli.input;
	switch (command) {
		// Commands load on demand: simulate never pays for the Kubernetes client or Ink.
		case 'demo': {
			const {demoCommand} = await import('./commands/demo-command.js');
			return demoCommand({...cli.flags, speed: cli.flags.speed ?? 1, port: cli.flags.port ?? 8080}, processIO);
		}
		case 'simulate': {
			const {simulateCommand} = await import('./commands/simulate-command.js');
			return simulateCommand(args, {...cli.flags, output: cli.flags.output ?? 'text'}, processIO);
		}
		case undefined: {
			const {clusterCommand} = await import('./commands/cluster-command.js');
			return clusterCommand(cli.flags, processIO);
		}
		default:
			processIO.stderr(`canary-tui: unknown command "${command}"; run canary-tui --help for the commands`);
			return exitCodes.badInput;
	}
}

process.exitCode = await main();
