import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run soak`: the reliability suite with its long variants — 20 SIGKILLs instead of 6,
 * adversarial regex inputs of 400,000 characters instead of 100,000, 5,000 fuzz runs per
 * property instead of 300, and a Kafka outage of 60 s instead of 10 s. Not part of `npm test`;
 * results are recorded in the README.
 * (Spread rather than mergeConfig, which would append to `include` instead of replacing it.)
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 1_200_000,
    env: { AUTHWATCH_CRASH_KILLS: '20', AUTHWATCH_REDOS_LENGTH: '400000', AUTHWATCH_FUZZ_RUNS: '5000', AUTHWATCH_OUTAGE_MS: '60000', AUTHWATCH_REDOS_REPORT: '1' },
  },
});
