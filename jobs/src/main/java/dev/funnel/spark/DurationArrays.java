package dev.funnel.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable array of doubles that travels through a shuffle as one packed binary value, so that a
 * cell's durations move as a few large values instead of one row each.
 */
final class DurationArrays {
  private double[] values = new double[8];
  private int size;

  /** Appends a value. */
  void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  /** Appends every value packed in {@code bytes} (see {@link #pack}). */
  void addPacked(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int count = bytes.length / Double.BYTES;
    if (size + count > values.length) {
      values = Arrays.copyOf(values, Math.max(size + count, values.length * 2));
    }
    buffer.asDoubleBuffer().get(values, size, count);
    size += count;
  }

  /** The values, packed as little-endian doubles. */
  byte[] pack() {
    ByteBuffer buffer = ByteBuffer.allocate(size * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asDoubleBuffer().put(values, 0, size);
    return buffer.array();
  }

  /** A copy of the values. */
  double[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
