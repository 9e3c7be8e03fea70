// Sets `timeouts.riskLevel` in a values.yaml text through the values edit engine. Only our chart has the key:
// for an agent-env release the edit is refused with a message saying so.
import { applyChange, setInBlock, type EditResult } from '../values/edit';
import { chartForRelease } from '../values/charts';
import { isRiskLevel, type RiskLevel } from './riskTable';

export type RiskEditResult = EditResult;

/**
 * Never throws; a success always holds valid YAML with the level in place. `releaseChart` is the chart name in
 * the release's Helm record (undefined: our chart).
 */
export function setRiskLevel(text: string, level: RiskLevel, releaseChart?: string): RiskEditResult {
  if (!isRiskLevel(level)) return { ok: false, error: `invalid risk level ${String(level)}` };
  const chart = chartForRelease(releaseChart);
  if (chart.name === 'agent-env') {
    return {
      ok: false,
      error:
        'this release uses the agent-env chart, which has no timeouts key (its grace period is always 0), so no values edit can set a risk level; only releases of the k8s-sandbox chart have timeouts.riskLevel',
    };
  }
  return applyChange(text, setInBlock('timeouts', 'riskLevel', level), chart);
}
