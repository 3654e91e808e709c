/**
 * The champion/challenger promotion rule: the candidate's metric against the baseline's, in the direction
 * of the goal. Pure, so every branch is tested without a workspace.
 */
import type { ChampionComparison } from './parameters';
import { message } from './messages';

export type PromotionOutcome = 'no-baseline' | 'improved' | 'tie' | 'not-improved' | 'baseline-metric-missing';

export interface PromotionInput {
  candidate: number;
  /** Undefined when the model has no baseline alias, or the baseline's run lacks the metric. */
  baseline?: number;
  baselineExists: boolean;
  /** The baseline alias already points at the candidate (a re-run after promotion). */
  baselineIsCandidate: boolean;
}

export interface PromotionDecision {
  outcome: PromotionOutcome;
  wins: boolean;
  /** candidate − baseline for maximize, baseline − candidate for minimize. */
  improvement?: number;
  /** One sentence for the log and the summary. */
  reason: string;
}

/** Differences this small are rounding noise of float metrics, not an improvement. */
const EPSILON = 1e-9;

export function decide(rule: ChampionComparison, input: PromotionInput): PromotionDecision {
  const { metric } = rule;
  if (!input.baselineExists) {
    return { outcome: 'no-baseline', wins: true, reason: message('ComparisonNoBaseline', rule.baselineAlias) };
  }
  if (input.baselineIsCandidate) {
    // Comparing a version with itself is a tie that must not demote it: it already holds the alias.
    return { outcome: 'tie', wins: true, improvement: 0, reason: message('ComparisonAlreadyBaseline', rule.baselineAlias) };
  }
  if (input.baseline === undefined) {
    return { outcome: 'baseline-metric-missing', wins: true, reason: message('ComparisonBaselineMetricMissing', rule.baselineAlias, metric) };
  }
  const improvement = rule.goal === 'maximize' ? input.candidate - input.baseline : input.baseline - input.candidate;
  const tolerance = EPSILON * Math.max(1, Math.abs(input.baseline), Math.abs(input.candidate));
  const comparison = message('ComparisonSentence', metric, format(input.candidate), format(input.baseline), rule.goal, format(improvement), format(rule.minImprovement));
  if (Math.abs(improvement) <= tolerance) {
    return rule.promoteOnTie
      ? { outcome: 'tie', wins: true, improvement: 0, reason: message('ComparisonTiePromotes', comparison) }
      : { outcome: 'tie', wins: false, improvement: 0, reason: message('ComparisonTie', comparison) };
  }
  if (improvement > 0 && improvement + tolerance >= rule.minImprovement) {
    return { outcome: 'improved', wins: true, improvement, reason: message('ComparisonImproved', comparison) };
  }
  return { outcome: 'not-improved', wins: false, improvement, reason: message('ComparisonNotImproved', comparison) };
}

/** Metric values as MLflow shows them, without float noise (0.8200000001 → 0.82). */
export function format(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}
