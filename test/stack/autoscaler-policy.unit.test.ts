import { describe, expect, it } from 'vitest';
import { AutoscalerDecision, DEFAULT_AUTOSCALER_POLICY } from '../../fixtures/autoscaler/autoscaler-policy.ts';

const policy = {
  ...DEFAULT_AUTOSCALER_POLICY,
  minReplicas: 1,
  maxReplicas: 4,
  targetUtilisation: 0.5,
  scaleUpStabilisationMs: 2_000,
  scaleDownStabilisationMs: 10_000,
};

describe('AutoscalerDecision (HPA-like)', () => {
  it('scales up to ceil(current × utilisation ÷ target) once the rise has held for the scale-up window', () => {
    const decision = new AutoscalerDecision(policy);
    expect(decision.decide(0, 1, 0.2)).toBe(1);
    expect(decision.decide(1_000, 1, 0.9)).toBe(1); // the 0.2 at t=0 is still inside the 2 s window
    expect(decision.decide(2_000, 1, 0.9)).toBe(1);
    expect(decision.decide(3_000, 1, 0.9)).toBe(2);
    expect(decision.decide(4_000, 2, 0.95)).toBe(2); // 4 wanted, but 2 was the recommendation 2 s ago
    expect(decision.decide(5_000, 2, 0.95)).toBe(2);
    expect(decision.decide(6_000, 2, 0.95)).toBe(4);
  });

  it('never leaves [min, max], and ignores changes within the tolerance', () => {
    const decision = new AutoscalerDecision({ ...policy, scaleUpStabilisationMs: 0 });
    expect(decision.decide(0, 1, 5)).toBe(4);
    expect(decision.decide(1_000, 2, 0.54)).toBe(2);
  });

  it('waits for the scale-down window before scaling down, so a dip does not make it flap', () => {
    const decision = new AutoscalerDecision({ ...policy, scaleUpStabilisationMs: 0 });
    decision.decide(0, 3, 0.5);
    expect(decision.decide(5_000, 3, 0.1)).toBe(3);
    expect(decision.decide(9_000, 3, 0.1)).toBe(3);
    expect(decision.decide(10_500, 3, 0.1)).toBe(1);
  });
});
