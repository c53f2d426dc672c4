package io.hybridcni.testkit.aliyun;

/**
 * An AccessKey of a RAM user, without its secret (the fake reveals a secret only in the one
 * {@code CreateAccessKey} response; use {@link FakeAliyun#secretMatches(String, String)} to check one).
 *
 * @param id the {@code AccessKeyId}
 * @param status {@code Active} or {@code Inactive}
 * @param createDate the {@code CreateDate}, ISO-8601 UTC
 */
public record RamAccessKey(String id, String status, String createDate) {

  /** True when the key's status is {@code Active}. */
  public boolean active() {
    return "Active".equals(status);
  }
}
