// What a UI scenario gets: the running session, the seeded simulated cluster, and the workbench page.
import type { Page } from 'playwright-core';
import type { Session } from '../harness/session';
import type { SeededCluster } from '../seed';

export interface ScenarioEnv {
  session(): Session;
  cluster(): SeededCluster;
  page(): Page;
}

/** The activity-bar entry and the tree's accessible name (package.json viewsContainers / views). */
export const sandboxesContainer = 'K8s Sandbox';
export const sandboxesTree = 'Sandboxes';
