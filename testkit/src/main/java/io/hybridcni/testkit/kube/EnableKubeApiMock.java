package io.hybridcni.testkit.kube;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fabric8 mock API server in CRUD mode whose lists are paged as a real API server pages them
 * ({@link PagingDispatcher}), in place of fabric8's {@code @EnableKubernetesMockClient(crud = true)}, whose lists
 * ignore {@code limit} and {@code continue}. Fields of the test class of type {@code KubernetesMockServer},
 * {@code KubernetesClient} (or {@code NamespacedKubernetesClient}) and {@link PagingDispatcher} are set before each
 * test, static or not; the server and client are closed after it.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeApiMockExtension.class)
public @interface EnableKubeApiMock {}
