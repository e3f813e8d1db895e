package io.camelllmproxy.upstream;

import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream connection that never logs what it sends or receives. HttpClient's own connection writes every
 * request header (the provider key among them) to {@code org.apache.hc.client5.http.headers} and every byte to
 * {@code org.apache.hc.client5.http.wire} as soon as those loggers are at DEBUG, which a host application may
 * set for reasons of its own; this one is HttpClient's minus that logging, so the key reaches the socket and
 * no log line whatever the host's log levels.
 */
final class QuietConnection extends DefaultBHttpClientConnection implements ManagedHttpClientConnection {

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Timeout socketTimeout;

    private QuietConnection(Http1Config http1Config) {
        super(http1Config, null, null, null, null, null, new DefaultHttpResponseParserFactory(http1Config));
    }

    /** The factory the connection pool creates its connections with. */
    static HttpConnectionFactory<ManagedHttpClientConnection> factory(Http1Config http1Config) {
        return socket -> {
            QuietConnection connection = new QuietConnection(http1Config);
            if (socket != null) {
                connection.bind(socket);
            }
            return connection;
        };
    }

    @Override
    public void bind(Socket socket) throws IOException {
        refuseIfClosed(socket);
        super.bind(socket);
        socketTimeout = Timeout.ofMilliseconds(socket.getSoTimeout());
    }

    @Override
    public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
        refuseIfClosed(sslSocket);
        super.bind(sslSocket, socket);
        socketTimeout = Timeout.ofMilliseconds(sslSocket.getSoTimeout());
    }

    /** A connection closed (its request cancelled) while it was being opened must not come to life. */
    private void refuseIfClosed(Socket socket) throws IOException {
        if (closed.get()) {
            socket.close();
            throw new InterruptedIOException("Connection already shutdown");
        }
    }

    @Override
    public Socket getSocket() {
        return getSocketHolder() != null ? getSocketHolder().getSocket() : null;
    }

    @Override
    public void setSocketTimeout(Timeout timeout) {
        super.setSocketTimeout(timeout);
        socketTimeout = timeout;
    }

    /** Idle in the pool: no timeout, so the pool's own checks decide. */
    @Override
    public void passivate() {
        super.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
    }

    @Override
    public void activate() {
        super.setSocketTimeout(socketTimeout);
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            super.close();
        }
    }

    @Override
    public void close(org.apache.hc.core5.io.CloseMode mode) {
        if (closed.compareAndSet(false, true)) {
            super.close(mode);
        }
    }
}
