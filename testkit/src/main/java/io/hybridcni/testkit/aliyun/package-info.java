/**
 * A stateful fake of the Alibaba Cloud RAM (2015-05-01) and Container Service (2015-12-15) APIs that the real
 * Aliyun Java SDK V2 talks to over loopback HTTP.
 *
 * <p>Start one with {@link io.hybridcni.testkit.aliyun.FakeAliyun#start()}, point an SDK client at
 * {@link io.hybridcni.testkit.aliyun.FakeAliyun#endpoint()} with protocol {@code HTTP}, and sign with a key
 * registered through {@link io.hybridcni.testkit.aliyun.FakeAliyun#addAccessKey(String, String)}. Every
 * request's {@code ACS3-HMAC-SHA256} signature is verified; every call is journaled with secrets masked.
 */
package io.hybridcni.testkit.aliyun;
