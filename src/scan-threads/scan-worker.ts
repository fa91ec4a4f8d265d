/**
 * Entry point of a scan worker thread: builds the same detector as the main thread from the
 * same config, then runs the tasks it is sent one at a time (see range-scan.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../../parsers/index.js';
import type { Config } from '../config/schema.js';
import { detectorOptions } from '../detector-options.js';
import { runTask } from './range-scan.js';
import type { MainMessage, WorkerMessage, WorkerSetup } from './scan-task.js';

const port = parentPort;
if (port === null) throw new Error('scan-worker.js runs as a worker thread of authwatch scan --threads.');

const setup = workerData as WorkerSetup;
const config: Readonly<Config> | undefined = setup.configPath ? (await import('../config/load.js')).loadConfig(setup.configPath, setup.env) : undefined;
const detector = createDetector(detectorOptions(config));
const cancelled = new Set<number>();

port.on('message', (msg: MainMessage) => {
  if (msg.type === 'cancel') {
    cancelled.add(msg.id);
    return;
  }
  const { task } = msg;
  void runTask(task, detector, (m: WorkerMessage) => port.postMessage(m), () => cancelled.has(task.id)).finally(() => cancelled.delete(task.id));
});
