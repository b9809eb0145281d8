package io.featurejob.operator.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.featurejob.operator.classify.SafeText;

/**
 * The {@code %msg} of logback.xml ({@code %safeMsg}): the formatted message with secrets scrubbed and
 * control characters escaped, so one log entry is one line whatever a pod or the API server put into
 * it. See {@link SafeText#forEvent}.
 */
public final class SafeMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SafeText.forEvent(super.convert(event));
  }
}
