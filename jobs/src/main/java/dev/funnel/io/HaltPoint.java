package dev.funnel.io;

/**
 * Test-only fault injection: when the system property {@value #PROPERTY} names a point that the
 * publishing code reaches, the JVM stops there at once with {@link Runtime#halt} (no shutdown
 * hooks, no finally blocks, no cleanup), as a SIGKILL or a lost node would stop it. Unset, as in
 * every real run, a point costs one property lookup.
 *
 * <p>The points, in the order a run reaches them:
 *
 * <ul>
 *   <li>{@code after-stage:<table>}: the table is written to the staging area (and counted);
 *       nothing of the run is published and no commit marker exists.
 *   <li>{@code after-marker}: every table is staged and the commit marker is written; no partition
 *       is swapped yet.
 *   <li>{@code between-renames:<n>}: the n-th directory rename of the swap is done (1-based; each
 *       table takes one rename of its old partition into the run's {@code _replaced} folder, when
 *       there is one, and one of its staged directory into place).
 *   <li>{@code after-renames}: every partition is swapped in; the staging area (with the replaced
 *       partitions) is not yet removed.
 *   <li>{@code between-commits:<n>} ({@code output_format: delta}, instead of the renames): the
 *       n-th table's {@code replaceWhere} commit is done (1-based, tables in name order).
 *   <li>{@code after-commits} (delta): every table is committed; the staging area is not yet
 *       removed.
 *   <li>{@code after-publish}: the staging area is removed; the run manifest is not yet written.
 *   <li>{@code after-manifest}: the run manifest is written; the output lock is still held.
 * </ul>
 *
 * <p>The swap and commit points are also reached when a later run finishes a publication that a
 * crash interrupted.
 */
public final class HaltPoint {
  /** The system property naming the point at which to halt. */
  public static final String PROPERTY = "funnel.test.haltAt";

  /** The exit status of a halted JVM, distinct from every exit code of the command line. */
  public static final int EXIT_STATUS = 86;

  private HaltPoint() {}

  /** Halts the JVM if {@value #PROPERTY} names {@code point}; otherwise returns at once. */
  public static void reach(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      System.err.println("halted at " + point + " (" + PROPERTY + ")");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }
}
