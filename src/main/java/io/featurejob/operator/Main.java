package io.featurejob.operator;

/** Entry point: `run` (default) starts the operator; other subcommands are wired in as they land. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.err.println("featurejob-operator: not wired yet");
  }
}
