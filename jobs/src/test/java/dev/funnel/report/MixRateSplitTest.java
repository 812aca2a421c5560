package dev.funnel.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mix and rate effects against hand-worked values. */
class MixRateSplitTest {
  @Test
  void aPartConvertingWorseIsARateEffect() {
    // Shares 50/50 before and after; paid falls from 30% to 16%, organic stays at 20%.
    // Baseline total 25%, current 18%: rate = 0.5 × (0.16 − 0.30) = −0.07, mix = 0.
    MixRateSplit.Result r =
        MixRateSplit.split(
            List.of(
                new MixRateSplit.Part("paid", 400, 0.30, 50, 0.16),
                new MixRateSplit.Part("organic", 400, 0.20, 50, 0.20)));
    assertEquals(0.25, r.baselineTotal(), 1e-12);
    assertEquals(0.18, r.currentTotal(), 1e-12);
    assertEquals(0.0, r.mix(), 1e-12);
    assertEquals(-0.07, r.rate(), 1e-12);
    assertEquals("paid", r.parts().get(0).part().value());
    assertEquals(0.07, r.largestInDirection(), 1e-12);
  }

  @Test
  void moreLeadsFromAWeakPartIsAMixEffect() {
    // Rates unchanged (30%, 10%); shares move from 50/50 to 20/80. Baseline total 20%, current
    // 0.2 × 0.3 + 0.8 × 0.1 = 14%. Mix: (0.2 − 0.5)(0.30 − 0.20) + (0.8 − 0.5)(0.10 − 0.20) =
    // −0.06.
    MixRateSplit.Result r =
        MixRateSplit.split(
            List.of(
                new MixRateSplit.Part("events", 0.5, 0.30, 0.2, 0.30),
                new MixRateSplit.Part("ads", 0.5, 0.10, 0.8, 0.10)));
    assertEquals(0.20, r.baselineTotal(), 1e-12);
    assertEquals(0.14, r.currentTotal(), 1e-12);
    assertEquals(-0.06, r.mix(), 1e-12);
    assertEquals(0.0, r.rate(), 1e-12);
    assertEquals(-0.03, r.parts().get(0).mix(), 1e-12);
    assertEquals(-0.03, r.parts().get(1).mix(), 1e-12);
  }

  @Test
  void mixAndRateAlwaysAddUpToTheChange() {
    // Three parts, both effects at once: 0.2·0.5 + 0.3·0.2 + 0.5·0.1 = 0.21 before,
    // 0.1·0.4 + 0.5·0.25 + 0.4·0.05 = 0.185 after.
    MixRateSplit.Result r =
        MixRateSplit.split(
            List.of(
                new MixRateSplit.Part("a", 20, 0.5, 10, 0.4),
                new MixRateSplit.Part("b", 30, 0.2, 50, 0.25),
                new MixRateSplit.Part("c", 50, 0.1, 40, 0.05)));
    assertEquals(0.21, r.baselineTotal(), 1e-12);
    assertEquals(0.185, r.currentTotal(), 1e-12);
    assertEquals(r.change(), r.mix() + r.rate(), 1e-12);
    // Rate: 0.1(−0.1) + 0.5(0.05) + 0.4(−0.05) = −0.005; mix therefore −0.02.
    assertEquals(-0.005, r.rate(), 1e-12);
    assertEquals(-0.02, r.mix(), 1e-12);
  }
}
