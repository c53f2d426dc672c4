package io.hybridcni.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to {@code System.err} while open, where slf4j-simple writes every log line here (it looks
 * {@code System.err} up on each line; see {@code simplelogger.properties}: hybridcni logs at DEBUG).
 */
public final class StderrCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private StderrCapture() {
    System.setErr(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
  }

  public static StderrCapture start() {
    return new StderrCapture();
  }

  /** What was written so far. */
  public String text() {
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    System.setErr(original);
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final ByteArrayOutputStream b;

    Tee(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int value) throws IOException {
      a.write(value);
      synchronized (b) {
        b.write(value);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      a.write(bytes, offset, length);
      synchronized (b) {
        b.write(bytes, offset, length);
      }
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }
}
