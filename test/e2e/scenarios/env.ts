// What a UI scenario gets: the running session, the seeded simulated cluster, and the workbench page.
import type { Page } from 'playwright-core';
import type { Session } from '../harness/session';
import type { SeededCluster } from '../seed';

export interface ScenarioEnv {
  session(): Session;
  cluster(): SeededCluster;
  page(): Page;
}

export const sandboxesView = 'workbench.view.extension.k8sSandbox';
export const sandboxesTreeId = 'k8sSandbox.sandboxes';
