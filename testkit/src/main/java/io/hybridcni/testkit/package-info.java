/**
 * Test support shared by every module: the forms in which a server may echo a secret it received, to make fakes echo
 * them and to scan outputs for them ({@link io.hybridcni.testkit.SecretForms}). The fake Aliyun server is in {@code
 * testkit.aliyun}, the fabric8 mock fixtures in {@code testkit.kube}.
 */
package io.hybridcni.testkit;
