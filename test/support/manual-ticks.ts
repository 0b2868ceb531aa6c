// Drives a Controller on a ManualClock one virtual second at a time, letting every tick finish.
import type {ManualClock} from '../../source/clock.js';
import type {Controller} from '../../source/controller/controller.js';

export function manualTicks(clock: ManualClock, controller: Pick<Controller, 'whenIdle'>): (seconds: number) => Promise<void> {
	return async seconds => {
		for (let s = 0; s < seconds; s++) {
			clock.advance(1000);
			for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve));
			await controller.whenIdle();
		}
	};
}
