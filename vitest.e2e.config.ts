import {defineConfig} from 'vitest/config';

// Real processes, tmux, the real API server: one file at a time, so suites that run the demo
// at --speed 20 do not starve each other of the machine's two cores.
export default defineConfig({
	test: {
		// CI (.ci/run) sums these reports into its last line.
		reporters: process.env['CI'] ? ['default', ['json', {outputFile: '.tmp/vitest-e2e.json'}]] : ['default'],
		include: ['test/{e2e,e2e-tui,cluster,prometheus,faults}/**/*.test.{ts,tsx}'],
		fileParallelism: false,
		testTimeout: 300_000,
		hookTimeout: 300_000,
	},
});
