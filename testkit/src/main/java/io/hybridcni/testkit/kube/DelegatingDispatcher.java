package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Objects;

/**
 * A mock API server's dispatcher that wraps another (in the end the CRUD store) and passes on what
 * {@code KubernetesMockServer} asks of a dispatcher besides answering: {@code reset()} (its {@code Resetable}),
 * {@code expectCustomResource} (its {@code CustomResourceAware}), shutdown and the release of resources. A wrapper that
 * did not pass them on would leave the store behind it un-reset, or unaware of a custom resource, without any error:
 * the test kit's wrappers stack (latency inside the write recorder inside the fault script), so every layer passes
 * them on. Every layer also ends the WebSockets it answers off the mock's event loop ({@link WatchEnds}).
 */
public abstract class DelegatingDispatcher extends Dispatcher implements Resetable, CustomResourceAware {

  /** The wrapped dispatcher. */
  protected final Dispatcher delegate;

  protected DelegatingDispatcher(Dispatcher delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapper's answer, its WebSocket's end moved off the event loop ({@link WatchEnds}). */
  @Override
  public final MockResponse dispatch(RecordedRequest request) {
    return WatchEnds.offTheEventLoop(answer(request));
  }

  /** This layer's answer to the request, in the end from {@link #delegate}. */
  protected abstract MockResponse answer(RecordedRequest request);

  /** Resets the wrapped dispatcher, as {@code KubernetesMockServer.reset()} expects. */
  @Override
  public void reset() {
    if (delegate instanceof Resetable resetable) {
      resetable.reset();
    }
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext context) {
    if (delegate instanceof CustomResourceAware aware) {
      aware.expectCustomResource(context);
    }
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public void releaseResources() {
    delegate.releaseResources();
  }
}
