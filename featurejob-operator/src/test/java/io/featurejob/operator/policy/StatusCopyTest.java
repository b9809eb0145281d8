package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.featurejob.operator.api.FeatureJobStatus;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written copy carries every status field (it replaced a Jackson round trip). */
class StatusCopyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void copiesEveryFieldOfEveryStatusClass() throws Exception {
    FeatureJobStatus full = filled(FeatureJobStatus.class);
    FeatureJobStatus copy = StatusCopy.of(full);
    // Every field filled in, so a field the copy forgets shows up as a difference here.
    assertEquals(JSON.valueToTree(full), JSON.valueToTree(copy));
    assertEquals(JSON.valueToTree(full), JSON.valueToTree(JSON.convertValue(full, FeatureJobStatus.class)));
  }

  @Test
  void theCopyIsIndependent() throws Exception {
    FeatureJobStatus full = filled(FeatureJobStatus.class);
    String before = JSON.writeValueAsString(full);
    FeatureJobStatus copy = StatusCopy.of(full);
    assertNotSame(full.currentAttempt, copy.currentAttempt);
    assertNotSame(full.history.get(0), copy.history.get(0));
    assertNotSame(full.conditions.get(0), copy.conditions.get(0));
    copy.currentAttempt.podName = "changed";
    copy.remediation.executorMemory = "99g";
    copy.lastFailure.message = "changed";
    copy.history.get(0).outcome = null;
    copy.history.add(null);
    copy.conditions.get(0).setStatus("changed");
    assertEquals(before, JSON.writeValueAsString(full));
  }

  @Test
  void nullGivesAnEmptyStatus() {
    assertEquals(JSON.valueToTree(new FeatureJobStatus()), JSON.valueToTree(StatusCopy.of((FeatureJobStatus) null)));
  }

  /** An instance with every public field set to a distinct non-null value, recursively. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> T filled(Class<T> type) throws Exception {
    T object = type.getDeclaredConstructor().newInstance();
    int n = 0;
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      n++;
      Class<?> t = f.getType();
      Object value;
      if (t == String.class) {
        value = f.getName() + "-value";
      } else if (t == Integer.class) {
        value = 7 + n;
      } else if (t == Long.class) {
        value = 70L + n;
      } else if (t == Boolean.class) {
        value = Boolean.TRUE;
      } else if (t.isEnum()) {
        Object[] constants = t.getEnumConstants();
        value = constants[constants.length - 1];
      } else if (t == List.class) {
        Class<?> element = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
        List list = new ArrayList();
        list.add(element == io.fabric8.kubernetes.api.model.Condition.class
            ? new ConditionBuilder().withType("Fresh").withStatus("True").withReason("r").withMessage("m")
                .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(3L).build()
            : filled(element));
        value = list;
      } else {
        value = filled(t);
      }
      f.set(object, value);
    }
    return object;
  }
}
