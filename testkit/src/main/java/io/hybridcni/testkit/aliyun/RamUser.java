package io.hybridcni.testkit.aliyun;

/**
 * A RAM user held by the fake.
 *
 * @param name the {@code UserName}
 * @param userId the {@code UserId} the fake assigned
 * @param displayName the {@code DisplayName} (the name when none was given)
 * @param createDate the {@code CreateDate}, ISO-8601 UTC
 */
public record RamUser(String name, String userId, String displayName, String createDate) {}
