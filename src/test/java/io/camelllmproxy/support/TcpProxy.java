package io.camelllmproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback TCP relay to one address that a test can cut at once, like a database server going away. */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;

    public TcpProxy(String host, int port) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    synchronized (sockets) {
                        if (refusing) {
                            client.close();
                            continue;
                        }
                        Socket target = new Socket(host, port);
                        sockets.add(client);
                        sockets.add(target);
                        pump(client, target);
                        pump(target, client);
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every relayed connection and closes new ones at once, on the same port, until {@link #restore()}. */
    public void drop() throws IOException {
        synchronized (sockets) {
            refusing = true;
            for (Socket socket : sockets) {
                socket.close();
            }
            sockets.clear();
        }
    }

    /** Relays new connections again after {@link #drop()}. */
    public void restore() {
        refusing = false;
    }

    /** Stops listening and drops every relayed connection: new connections are refused from now on. */
    public void cut() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
