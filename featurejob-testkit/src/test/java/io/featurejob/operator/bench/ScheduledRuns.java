package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The scheduled instant of a run, read from its first pod: what schedule lateness (scheduled instant ->
 * the run's first pod) counts from in the success-heavy mix ({@link MixBench}).
 */
final class ScheduledRuns {
  /** The operator's trigger annotation on a run's launch by its schedule (LaunchPlan.Trigger.Schedule). */
  static final String SCHEDULE_TRIGGER = "Schedule";
  /** The Job controller's label on its pods: the Job's name. */
  static final String JOB_NAME = "job-name";

  private ScheduledRuns() {}

  /**
   * A Job the CronJob controller created is named {@code <cronjob>-<scheduled time in minutes since the
   * epoch>} (its getJobName), so the name says when the run was scheduled; null for another name.
   */
  static Instant cronJobScheduledAt(String jobName) {
    int dash = jobName == null ? -1 : jobName.lastIndexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(Long.parseLong(jobName.substring(dash + 1)) * 60);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The scheduled instant of the operator's driver pod if it is a run's launch by its schedule: the end of
   * its data window (the schedule's tick); null for a retry, an unblock or a run-now.
   */
  static Instant featureJobScheduledAt(Pod driver) {
    Map<String, String> annotations = driver.getMetadata().getAnnotations();
    if (annotations == null || !SCHEDULE_TRIGGER.equals(annotations.get(Labels.TRIGGER))
        || annotations.get(Labels.WINDOW_END) == null) {
      return null;
    }
    return Times.parse(annotations.get(Labels.WINDOW_END));
  }

  /** The first whole minute at or after {@code t}: where the measured window starts, on a tick. */
  static Instant nextMinute(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.MINUTES);
    return floor.equals(t) ? t : floor.plus(Duration.ofMinutes(1));
  }

  /** {@code seconds} rounded up to whole minutes: a window of whole schedule periods. */
  static Duration wholeMinutes(long seconds) {
    return Duration.ofMinutes(Math.max(1, (seconds + 59) / 60));
  }
}
