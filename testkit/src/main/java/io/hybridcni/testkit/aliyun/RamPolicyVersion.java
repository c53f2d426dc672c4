package io.hybridcni.testkit.aliyun;

/**
 * One version of a RAM policy.
 *
 * @param versionId {@code v1}, {@code v2}, ... (never reused after a delete)
 * @param document the policy document exactly as it was sent
 * @param isDefault whether this is the policy's default version
 * @param createDate the {@code CreateDate}, ISO-8601 UTC
 */
public record RamPolicyVersion(String versionId, String document, boolean isDefault, String createDate) {}
