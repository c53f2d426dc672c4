package io.hybridcni.testkit.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers and dates the fake hands out. Ids are deterministic per fake (counters), so journals and
 * failures read the same on every run; only AccessKey secrets are random.
 */
final class Ids {

  private static final char[] SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong users = new AtomicLong();
  private final AtomicLong accessKeys = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  Ids(Clock clock) {
    this.clock = clock;
  }

  /** Like {@code 3B1E6A3C-4F0D-3E5B-9C2A-0D8E1F7A6B54}: upper-case UUID form, as the gateway sends. */
  String requestId() {
    long n = requests.incrementAndGet();
    return UUID.nameUUIDFromBytes(("fake-aliyun-request-" + n).getBytes(StandardCharsets.UTF_8))
        .toString().toUpperCase(Locale.ROOT);
  }

  /** A 16-digit RAM user id. */
  String userId() {
    return String.format(Locale.ROOT, "2%015d", users.incrementAndGet());
  }

  /** A 24-character AccessKey id starting with {@code LTAI}, as real ones do. */
  String accessKeyId() {
    return String.format(Locale.ROOT, "LTAI5tFake%014d", accessKeys.incrementAndGet());
  }

  /** A 30-character random AccessKey secret. */
  String accessKeySecret() {
    char[] secret = new char[30];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = SECRET_ALPHABET[random.nextInt(SECRET_ALPHABET.length)];
    }
    return new String(secret);
  }

  /** Like {@code T-6566f3a3b5c1e0000000001}: {@code T-} and 24 hex digits. */
  String taskId() {
    return String.format(Locale.ROOT, "T-%024x", tasks.incrementAndGet());
  }

  /** The current time as ISO-8601 UTC to the second, e.g. {@code 2024-05-01T08:00:00Z}. */
  String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
