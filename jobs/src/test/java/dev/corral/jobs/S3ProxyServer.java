package dev.corral.jobs;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real S3 API server for tests: S3Proxy with its in-memory ({@code transient}) backend on
 * 127.0.0.1, in its own JVM (its Jetty 11, Jackson 2.18, Guava 33 and AWS SDK would clash with
 * Spark's on this class path; see jobs/pom.xml). Its keys are flat, as S3's are: jclouds'
 * filesystem backend maps a key ending in "/" to a folder, and S3A's delete of the folder markers
 * above every file it writes then waits 10 s per marker for a folder that is not empty, which
 * stalled a job's commit for minutes. Buckets are made through the S3 API, and every request is
 * signed (AWS v2 or v4) with the test's keys, as S3A signs them against AWS.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "corral-test-access";
  static final String SECRET_KEY = "corral-test-secret";

  private final Process process;
  private final Path log;
  final int port;

  private S3ProxyServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts S3Proxy (its settings and log in {@code root}), waits until it answers and makes {@code
   * buckets}.
   */
  static S3ProxyServer start(Path root, List<String> buckets) throws IOException {
    Path jar = Path.of(System.getProperty("corral.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: Maven copies it (jobs/pom.xml, s3proxy)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = root.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=transient",
            ""),
        StandardCharsets.UTF_8);
    Path log = root.resolve("s3proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java, "-Xmx512m", "-jar", jar.toString(), "--properties", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(p, log, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Proxy exited: " + server.log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        server.createBuckets(buckets);
        return server;
      } catch (IOException e) {
        sleep(100);
      }
    }
    server.close();
    throw new IllegalStateException("S3Proxy did not answer within 180 s: " + server.log());
  }

  /** Creates {@code buckets} with the AWS SDK that S3A itself uses (S3A never creates one). */
  private void createBuckets(List<String> buckets) {
    AmazonS3 client =
        AmazonS3ClientBuilder.standard()
            .withEndpointConfiguration(
                new AwsClientBuilder.EndpointConfiguration("http://127.0.0.1:" + port, "us-east-1"))
            .withPathStyleAccessEnabled(true)
            .withCredentials(
                new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
            .build();
    try {
      buckets.forEach(client::createBucket);
    } finally {
      client.shutdown();
    }
  }

  /**
   * The {@code spark.hadoop.*} settings that point S3A at this server: path-style requests, no TLS,
   * the test's keys, no retries that would hide a failure for minutes.
   */
  Map<String, String> sparkConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port);
    c.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
    c.put("spark.hadoop.fs.s3a.path.style.access", "true");
    c.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    c.put(
        "spark.hadoop.fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    c.put("spark.hadoop.fs.s3a.access.key", ACCESS_KEY);
    c.put("spark.hadoop.fs.s3a.secret.key", SECRET_KEY);
    c.put("spark.hadoop.fs.s3a.attempts.maximum", "2");
    c.put("spark.hadoop.fs.s3a.retry.limit", "2");
    // A request that hangs fails in a minute, not in S3A's 200 s for each of its attempts.
    c.put("spark.hadoop.fs.s3a.connection.timeout", "60000");
    return c;
  }

  /** A Hadoop configuration with {@link #sparkConf()}, for the test's own reads and writes. */
  Configuration hadoopConf() {
    Configuration conf = new Configuration();
    sparkConf().forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    return conf;
  }

  /** The S3A file system of {@code bucket} on this server (not cached: this server's settings). */
  FileSystem fileSystem(String bucket) {
    try {
      return FileSystem.newInstance(java.net.URI.create("s3a://" + bucket + "/"), hadoopConf());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
