// The shared test data sits beside the checkout (`<repo>/../shared`), locally and in CI.
import { join } from 'node:path';

export const sharedDir = join(__dirname, '..', '..', '..', 'shared');
export const agentEnvValuesDir = join(sharedDir, 'fixtures', 'agent-env-values');
export const hubbleSamplesDir = join(sharedDir, 'fixtures', 'hubble');
