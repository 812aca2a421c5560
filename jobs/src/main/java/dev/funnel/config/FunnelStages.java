package dev.funnel.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The funnel's stages with their order: the main path in order (the last one is the won stage),
 * then the lost stages in order. A stage's index in this order is its code everywhere in the
 * pipeline, and it is the tie-break when two events of a lead share an instant.
 */
public final class FunnelStages implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> mainPath;
  private final List<String> lostStages;
  private final List<String> all;
  private final Map<String, Integer> codes;

  /** Creates the stage order from the main path and the lost stages; names must be distinct. */
  public FunnelStages(List<String> mainPath, List<String> lostStages) {
    this.mainPath = List.copyOf(mainPath);
    this.lostStages = List.copyOf(lostStages);
    List<String> both = new ArrayList<>(mainPath);
    both.addAll(lostStages);
    this.all = Collections.unmodifiableList(both);
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < both.size(); i++) {
      Integer previous = byName.put(both.get(i), i);
      ConfigException.check(previous == null, "stage '%s' is defined twice", both.get(i));
    }
    this.codes = Collections.unmodifiableMap(byName);
  }

  /** The main path in order, the won stage last. */
  public List<String> mainPath() {
    return mainPath;
  }

  /** The terminal failure stages, in order. */
  public List<String> lostStages() {
    return lostStages;
  }

  /** All stages in tie-break order: main path, then lost stages. */
  public List<String> all() {
    return all;
  }

  /** The code (index in {@link #all()}) of a stage name, or -1 when the name is not a stage. */
  public int code(String stage) {
    Integer code = codes.get(stage);
    return code == null ? -1 : code;
  }

  /** The stage name of a code. */
  public String name(int code) {
    return all.get(code);
  }

  /** Number of stages, main path and lost together. */
  public int size() {
    return all.size();
  }

  /** The code of the won stage: the last stage of the main path. */
  public int wonCode() {
    return mainPath.size() - 1;
  }

  /** True for a main-path stage (won included). */
  public boolean isMainPath(int code) {
    return code < mainPath.size();
  }

  /** True for a lost stage. */
  public boolean isLost(int code) {
    return code >= mainPath.size();
  }

  /** True for the won stage and the lost stages: their visits are never open. */
  public boolean isTerminal(int code) {
    return code >= wonCode();
  }

  /** Codes of the non-terminal main-path stages: every main-path stage but the last. */
  public int nonTerminalCount() {
    return mainPath.size() - 1;
  }
}
