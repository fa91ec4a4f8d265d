import type { CheckpointReader } from '../contracts.js';

/**
 * The filter role keeps no store, so it has no positions of its own: with this reader the Kafka
 * source never seeks on assignment, and the group's committed offsets (advanced only after the
 * detections were acknowledged) are where a partition resumes.
 */
export const NO_CHECKPOINTS: CheckpointReader = {
  get: () => undefined,
  list: () => [],
};
