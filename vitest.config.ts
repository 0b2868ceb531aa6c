import {defineConfig} from 'vitest/config';

// Fast, in-process tests: run in parallel.
export default defineConfig({
	test: {
		// CI (.ci/run) sums these reports into its last line.
		reporters: process.env['CI'] ? ['default', ['json', {outputFile: '.tmp/vitest-unit.json'}]] : ['default'],
		include: ['test/{core,engine,controller,local,ui,webhooks,metrics,alerts,observability,commands,fuzz}/**/*.test.{ts,tsx}'],
		testTimeout: 20_000,
	},
});
