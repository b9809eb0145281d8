package io.featurejob.operator.cluster;

import io.featurejob.operator.testing.ApiFaults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS-terminating proxy between the operator and the API server that answers a share of the requests
 * with a fault: 429 (API priority and fairness), 500 (an etcd error) or a timeout (the request reaches the
 * API server, its answer is dropped and the client waits in vain). It serves a certificate issued by the
 * cluster's CA for 127.0.0.1, so the operator's client verifies it as it verifies the API server; the
 * operator's identity is its bearer token, which the proxy forwards unchanged.
 *
 * <p>One request per connection (HTTP/1.1, {@code Connection: close} upstream; an upgrade to a WebSocket
 * watch is piped both ways until either side closes), so every request is a separate draw.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault { TOO_MANY_REQUESTS, INTERNAL_ERROR, TIMEOUT }

  /** kube-apiserver's 429 from API priority and fairness ({@link ApiFaults#TOO_MANY_REQUESTS}). */
  static final String TOO_MANY_REQUESTS = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n"
      + "X-Content-Type-Options: nosniff\r\nRetry-After: 1\r\n";
  static final String TOO_MANY_REQUESTS_BODY = ApiFaults.TOO_MANY_REQUESTS;
  /** An etcd error as the API server returns it ({@link ApiFaults#LEADER_CHANGED}). */
  static final String INTERNAL_ERROR = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n";
  static final String INTERNAL_ERROR_BODY = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
      + "\"message\":\"" + ApiFaults.LEADER_CHANGED + "\",\"reason\":\"InternalError\","
      + "\"details\":{\"causes\":[{\"message\":\"etcdserver: leader changed\"}]},\"code\":500}";
  /** How long a timed-out request is held open: longer than the client's request timeout (fabric8: 10 s). */
  static final Duration HOLD = Duration.ofSeconds(15);

  private final URI upstream;
  private final SSLSocketFactory upstreamSockets;
  private final ServerSocket server;
  private volatile double share;
  private final Random random;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private final AtomicInteger forwarded = new AtomicInteger();
  private volatile boolean closed;

  private FaultProxy(URI upstream, SSLContext serving, SSLSocketFactory upstreamSockets, long seed) throws IOException {
    this.upstream = upstream;
    this.upstreamSockets = upstreamSockets;
    this.random = new Random(seed);
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicInteger());
    }
    this.server = serving.getServerSocketFactory().createServerSocket(0, 256, InetAddress.getLoopbackAddress());
    threads.submit(this::acceptLoop);
  }

  /**
   * A proxy to {@code upstream} on a free port of 127.0.0.1, forwarding every request until {@link #inject};
   * its certificate is issued in {@code work} by the CA in {@code pki}.
   */
  static FaultProxy start(Path pki, Path work, URI upstream, long seed) throws Exception {
    char[] password = "featurejob-chaos".toCharArray();
    Path keyStore = issueServingCertificate(pki, work, new String(password));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext serving = SSLContext.getInstance("TLS");
    serving.init(kmf.getKeyManagers(), null, null);

    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(pki.resolve("ca.crt"))) {
      trusted.setCertificateEntry("cluster-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    return new FaultProxy(upstream, serving, client.getSocketFactory(), seed);
  }

  /** openssl, as hack/cluster.sh issues the API server's certificate: CN featurejob-chaos-proxy, IP 127.0.0.1. */
  private static Path issueServingCertificate(Path pki, Path work, String password) throws IOException {
    Files.createDirectories(work);
    Path ext = work.resolve("proxy.ext");
    Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n");
    String key = work.resolve("proxy.key").toString();
    String csr = work.resolve("proxy.csr").toString();
    String crt = work.resolve("proxy.crt").toString();
    Path p12 = work.resolve("proxy.p12");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=featurejob-chaos-proxy");
    openssl("x509", "-req", "-in", csr, "-CA", pki.resolve("ca.crt").toString(), "-CAkey", pki.resolve("ca.key").toString(),
        "-set_serial", Long.toString(System.nanoTime()), "-out", crt, "-days", "1", "-extfile", ext.toString());
    openssl("pkcs12", "-export", "-in", crt, "-inkey", key, "-out", p12.toString(), "-passout", "pass:" + password);
    return p12;
  }

  private static void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    ClusterHarness.Result result = ClusterHarness.run(command, null, Duration.ofSeconds(60));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
    }
  }

  String url() {
    return "https://127.0.0.1:" + server.getLocalPort();
  }

  /** From now on a fault for this share of the requests (0: none, 1: every request), drawn 429/500/timeout. */
  void inject(double share) {
    this.share = share;
  }

  int injected(Fault fault) {
    return injected.get(fault).get();
  }

  int injectedTotal() {
    return injected.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  int forwarded() {
    return forwarded.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        threads.submit(() -> handle(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fault proxy: accept failed: " + e);
        }
      }
    }
  }

  private Fault draw() {
    synchronized (random) {
      if (share <= 0 || random.nextDouble() >= share) {
        return null;
      }
      return Fault.values()[random.nextInt(Fault.values().length)];
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      Fault fault = draw();
      if (fault == Fault.TOO_MANY_REQUESTS || fault == Fault.INTERNAL_ERROR) {
        injected.get(fault).incrementAndGet();
        in.readNBytes(contentLength(text)); // the request body, unread by anyone
        boolean tooMany = fault == Fault.TOO_MANY_REQUESTS;
        byte[] body = (tooMany ? TOO_MANY_REQUESTS_BODY : INTERNAL_ERROR_BODY).getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(((tooMany ? TOO_MANY_REQUESTS : INTERNAL_ERROR) + "Content-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return;
      }
      try (Socket up = upstreamSockets.createSocket(upstream.getHost(), upstream.getPort())) {
        OutputStream upOut = up.getOutputStream();
        upOut.write(forwardedHead(text).getBytes(StandardCharsets.ISO_8859_1));
        upOut.flush();
        threads.submit(() -> pipe(in, upOut, up));
        if (fault == Fault.TIMEOUT) {
          injected.get(fault).incrementAndGet();
          // The API server got the request and answers; the client never hears of it.
          InputStream answer = up.getInputStream();
          threads.submit(() -> pipe(answer, OutputStream.nullOutputStream(), up));
          Thread.sleep(HOLD.toMillis());
          return;
        }
        forwarded.incrementAndGet();
        pipe(up.getInputStream(), client.getOutputStream(), client);
      }
    } catch (IOException | InterruptedException e) {
      // a side closed: the client sees a broken connection, as it would with the real API server
    }
  }

  /** Copies until end of stream, then shuts {@code closeAfter}'s output so the other side sees the end. */
  private static void pipe(InputStream from, OutputStream to, Socket closeAfter) {
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the other direction closed the sockets
    } finally {
      try {
        closeAfter.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** Request line and headers up to the blank line, or null when the client closed first. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
      if (head.size() > 64 * 1024) {
        throw new IOException("request head over 64 KiB");
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  /** The head with {@code Connection: close} (one request per connection), kept as is for an upgrade. */
  private static String forwardedHead(String head) {
    if (head.toLowerCase(Locale.ROOT).contains("\r\nupgrade:")) {
      return head;
    }
    StringBuilder out = new StringBuilder();
    for (String line : head.split("\r\n")) {
      String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
      if (!name.equals("connection") && !name.equals("keep-alive") && !line.isEmpty()) {
        out.append(line).append("\r\n");
      }
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
