package io.hybridcni.testkit.aliyun;

/**
 * A Container Service cluster seeded into the fake.
 *
 * @param id the {@code cluster_id}
 * @param type the {@code cluster_type}, e.g. {@code ExternalKubernetes} for a registered cluster
 * @param state the {@code state}, e.g. {@code running}
 * @param regionId the {@code region_id}, e.g. {@code cn-hangzhou}
 * @param name the {@code name}
 */
public record CsCluster(String id, String type, String state, String regionId, String name) {}
