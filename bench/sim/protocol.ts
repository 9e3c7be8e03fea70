// What the bench and the sim host process exchange (kept apart from host.ts, which starts serving on import).

/** The namespace every seeded sandbox lives in. */
export const NAMESPACE = 'bench';

export interface Started {
  url: string;
  /** Straight to the API server (exec benchmarks: no extra hop for either side). */
  kubeconfig: string;
  /** Through the byte-counting proxy (tree benchmarks and their kubectl peers). */
  proxiedKubeconfig: string;
}

export interface Meter {
  requests: number;
  watchRequests: number;
  bytesUp: number;
  bytesDown: number;
  connections: number;
}
