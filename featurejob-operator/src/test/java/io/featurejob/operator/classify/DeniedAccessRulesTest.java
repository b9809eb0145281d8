package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FailureClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How databases and stores word a refusal, each as the uncaught exception of a driver whose log
 * goes on with frames and Spark's shutdown hook, classified through the evidence path (summary,
 * then rules). The messages fill in the format strings cited beside each rule in default-rules.yaml.
 */
class DeniedAccessRulesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // PostgreSQL >= 11 (src/backend/catalog/aclchk.c) and at connect (src/backend/libpq/auth.c)
      "org.postgresql.util.PSQLException: ERROR: permission denied for table trips | PermissionDenied",
      "org.postgresql.util.PSQLException: ERROR: permission denied for schema ml | PermissionDenied",
      "org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"features\" | PermissionDenied",
      "org.postgresql.util.PSQLException: FATAL: no pg_hba.conf entry for host \"10.1.2.3\", user \"features\", database \"trips\", no encryption | PermissionDenied",
      // MySQL/MariaDB ER_TABLEACCESS_DENIED_ERROR
      "java.sql.SQLSyntaxErrorException: SELECT command denied to user 'features'@'10.1.2.3' for table 'trips' | PermissionDenied",
      // SQL Server error 229
      "com.microsoft.sqlserver.jdbc.SQLServerException: The SELECT permission was denied on the object 'trips', database 'ml', schema 'dbo'. | PermissionDenied",
      // Azure Storage
      "AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission. | PermissionDenied",
      "AuthenticationFailed: Server failed to authenticate the request. Make sure the value of the Authorization header is formed correctly including the signature. | PermissionDenied",
      // GCS
      "java.io.IOException: Error 403: features@ml.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage object. | PermissionDenied",
      // Oracle ORA-00942 is a missing table (or one the user cannot see): the code or its config, not a grant to restore
      "java.sql.SQLSyntaxErrorException: ORA-00942: table or view does not exist | UserCodeError",
  })
  void refusalInADriverLogIsPermissionDenied(String exception, FailureClass expected) {
    String log = "25/03/01 10:02:38 INFO DAGScheduler: Job 0 failed: load at NativeMethodAccessorImpl.java:0\n"
        + "Exception in thread \"main\" " + exception + "\n"
        + "\tat org.apache.spark.sql.execution.datasources.jdbc.JdbcUtils$.resolveTable(JdbcUtils.scala:240)\n"
        + "\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
        + "25/03/01 10:02:40 INFO SparkContext: Invoking stop() from shutdown hook\n"
        + "25/03/01 10:02:40 INFO ShutdownHookManager: Shutdown hook called\n";
    Evidence evidence = Evidence.fromDriverExit(1, EvidenceSummary.summarize(log, 1));
    assertEquals(expected, Classifier.defaults().classify(evidence).failureClass());
  }
}
