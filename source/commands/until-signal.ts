// Long-running commands stop on Ctrl-C or SIGTERM: a promise that resolves on the first one.
export function untilSignal(signals: NodeJS.Process): {stopped: Promise<void>; dispose(): void} {
	let stop: () => void = () => {};
	const stopped = new Promise<void>(resolve => (stop = resolve));
	const onSignal = () => stop();
	signals.once('SIGINT', onSignal);
	signals.once('SIGTERM', onSignal);
	return {
		stopped,
		dispose() {
			signals.off('SIGINT', onSignal);
			signals.off('SIGTERM', onSignal);
		},
	};
}
