package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # case                  | input                                                                  | expected
      postgres URL            | jdbc:postgresql://app:hunter2@db:5432/trips                            | jdbc:postgresql://app:[REDACTED]@db:5432/trips
      mongodb+srv URL         | connect mongodb+srv://svc:p%40ss@cluster0.x.net/db failed               | connect mongodb+srv://svc:[REDACTED]@cluster0.x.net/db failed
      URL without password    | https://user@github.com/org/repo.git                                   | https://user@github.com/org/repo.git
      host:port is no secret  | http://db:5432/trips@v2                                                | http://db:5432/trips@v2
      oracle thin             | jdbc:oracle:thin:scott/tiger@db:1521:orcl                              | jdbc:oracle:thin:scott/[REDACTED]@db:1521:orcl
      password query param    | jdbc:mysql://db/trips?user=app&password=hunter2&ssl=true                | jdbc:mysql://db/trips?user=app&password=[REDACTED]&ssl=true
      password with colon     | Password: hunter2                                                      | Password: [REDACTED]
      JSON password           | `{"password": "hunter2", "user": "app"}`                               | `{"password": "[REDACTED]", "user": "app"}`
      spark conf secret       | --conf spark.hadoop.fs.s3a.secret.key=wJalrXUtnFEMIK7MDENG             | --conf spark.hadoop.fs.s3a.secret.key=[REDACTED]
      client_secret           | client_secret=abc123&grant_type=client_credentials                      | client_secret=[REDACTED]&grant_type=client_credentials
      token param             | GET /api?token=eyabc.def                                               | GET /api?token=[REDACTED]
      apikey                  | apikey=0123456789abcdef                                                | apikey=[REDACTED]
      api_key                 | API_KEY: sk-live-42                                                    | API_KEY: [REDACTED]
      bearer header           | Authorization: Bearer abc.def.ghi-123                                  | Authorization: Bearer [REDACTED]
      basic header            | authorization: Basic dXNlcjpwYXNz                                      | authorization: Basic [REDACTED]
      bearer elsewhere        | sent Bearer 0123456789abcdef to api                                    | sent Bearer [REDACTED] to api
      AWS access key id       | using AKIAIOSFODNN7EXAMPLE for s3                                      | using [REDACTED] for s3
      AWS temp key id         | ASIAXYZXYZXYZXYZXYZ1 expired                                           | [REDACTED] expired
      AWS secret key          | secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here                   | secret [REDACTED] here
      aws_secret_access_key   | aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY         | aws_secret_access_key = [REDACTED]
      JWT                     | token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzcGFyayJ9.c2lnbmF0dXJl             | token [REDACTED]
      git sha is kept         | commit 7e32571aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5 built                  | commit 7e32571aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5 built
      field message kept      | PSQLException: ERROR: permission denied for table trips             | PSQLException: ERROR: permission denied for table trips
      S3 message kept         | Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; | Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied;
      missing secret kept     | secret "db-creds" not found                                            | secret "db-creds" not found
      """)
  void scrubsSecrets(String name, String input, String expected) {
    assertEquals(expected, Redactor.redact(input));
  }

  @Test
  void privateKeyBlocksAreRemoved() {
    String text = "loaded key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef\n-----END RSA PRIVATE KEY-----\ndone";
    assertEquals("loaded key\n-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\ndone",
        Redactor.redact(text));
  }

  @Test
  void privateKeyCutOffByTheLogTailIsRemovedToTheEnd() {
    String text = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIEowIBAAKC";
    String redacted = Redactor.redact(text);
    assertFalse(redacted.contains("MIIE"), redacted);
  }

  @Test
  void truncatesToOneKibibyteOfUtf8WithAMarker() {
    String longText = "é".repeat(2000); // 2 bytes each
    String result = Redactor.redact(longText);
    byte[] utf8 = result.getBytes(StandardCharsets.UTF_8);
    assertTrue(utf8.length <= Redactor.MAX_BYTES, "bytes: " + utf8.length);
    assertTrue(utf8.length > Redactor.MAX_BYTES - 4, "uses the budget: " + utf8.length);
    assertTrue(result.endsWith(Redactor.TRUNCATED_MARKER));
    assertTrue(result.startsWith("éé"));
  }

  @Test
  void neverSplitsASurrogatePair() {
    String longText = "x" + "😀".repeat(600); // 4 bytes each
    String result = Redactor.truncate(longText, 100);
    assertTrue(result.getBytes(StandardCharsets.UTF_8).length <= 100);
    String kept = result.substring(0, result.length() - Redactor.TRUNCATED_MARKER.length());
    assertFalse(Character.isHighSurrogate(kept.charAt(kept.length() - 1)), "no half character");
  }

  @Test
  void shortTextIsUnchangedAndNullStaysNull() {
    assertEquals("exit 1", Redactor.redact("exit 1"));
    assertEquals("a".repeat(Redactor.MAX_BYTES), Redactor.redact("a".repeat(Redactor.MAX_BYTES)));
    assertNull(Redactor.redact(null));
  }

  @Test
  void secretsAreScrubbedBeforeTruncation() {
    // The secret straddles the cut: it must not survive in part.
    String text = "x".repeat(Redactor.MAX_BYTES - 30) + " password=hunter2hunter2hunter2hunter2";
    String result = Redactor.redact(text);
    assertFalse(result.contains("hunter"), result);
  }
}
