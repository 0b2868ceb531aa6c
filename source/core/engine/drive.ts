// Runs a tick to completion with synchronous answers (the simulator, tests). The controller
// drives the same generator asynchronously.
import type {Answer, Engine, Op} from './ops.js';

export function driveSync<T>(engine: Engine<T>, answer: (op: Op) => Answer): T {
	let step = engine.next();
	while (!step.done) step = engine.next(answer(step.value));
	return step.value;
}

export async function driveAsync<T>(engine: Engine<T>, answer: (op: Op) => Answer | Promise<Answer>): Promise<T> {
	let step = engine.next();
	while (!step.done) step = engine.next(await answer(step.value));
	return step.value;
}
