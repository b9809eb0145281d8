package io.featurejob.operator.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.featurejob.operator.classify.SafeText;

/**
 * The stack trace of logback.xml ({@code %safeEx}): as logback prints it, but each exception's message
 * (which may quote a pod's message or an API server's reply) scrubbed and on one line, so only the
 * {@code at ...} frames, which the JVM writes, start new lines.
 */
public final class SafeThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return super.throwableProxyToString(safe(proxy));
  }

  private static IThrowableProxy safe(IThrowableProxy proxy) {
    return proxy == null ? null : new SafeProxy(proxy);
  }

  /** The same throwable with a safe message, all the way down its causes and suppressed ones. */
  private record SafeProxy(IThrowableProxy delegate) implements IThrowableProxy {
    @Override
    public String getMessage() {
      return SafeText.forEvent(delegate.getMessage());
    }

    @Override
    public String getClassName() {
      return delegate.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return delegate.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return delegate.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return safe(delegate.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = delegate.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] safe = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        safe[i] = safe(suppressed[i]);
      }
      return safe;
    }

    @Override
    public boolean isCyclic() {
      return delegate.isCyclic();
    }
  }
}
