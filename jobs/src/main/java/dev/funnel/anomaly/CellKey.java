package dev.funnel.anomaly;

import java.io.Serializable;

/**
 * A breakdown cell of one stage: the total ({@code (all)}, {@code (all)}) or one value of one
 * dimension.
 */
public record CellKey(String stage, String dimension, String dimensionValue)
    implements Serializable {}
