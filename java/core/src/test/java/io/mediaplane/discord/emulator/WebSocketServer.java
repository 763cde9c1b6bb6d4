package io.mediaplane.discord.emulator;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * A small RFC 6455 WebSocket server for the voice server emulator: the opening handshake (§4.2), masked client
 * frames, fragmentation, ping/pong and the closing handshake (§5.5.1), over plain TCP or TLS. One thread per
 * connection; the handler is called on it.
 */
final class WebSocketServer implements Closeable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3
    private static final int MAX_MESSAGE = 1 << 20;

    interface Handler {
        void onOpen(Connection c);

        void onText(Connection c, String text);

        void onBinary(Connection c, byte[] data);

        void onClose(Connection c, int code);
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    WebSocketServer(Handler handler, SSLContext tls) throws IOException {
        this.handler = handler;
        this.server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofPlatform().daemon().name("ws-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Connection c = new Connection(s);
                connections.add(c);
                Thread.ofPlatform().daemon().name("ws-conn").start(c::run);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        connections.forEach(Connection::abort);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection. Sends are serialized; any thread may send. */
    final class Connection {
        private final Socket socket;
        private OutputStream out;
        private volatile boolean open;
        private volatile boolean closeSent;
        private volatile String query = "";
        volatile Object attachment;

        Connection(Socket socket) {
            this.socket = socket;
        }

        String query() {
            return query;
        }

        boolean isOpen() {
            return open;
        }

        private void run() {
            int closeCode = 1006;
            try (socket) {
                InputStream in = socket.getInputStream();
                out = socket.getOutputStream();
                if (!handshake(in)) {
                    return;
                }
                open = true;
                handler.onOpen(this);
                DataInputStream data = new DataInputStream(in);
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                int messageOpcode = 0;
                while (true) {
                    int b0 = data.readUnsignedByte();
                    int b1 = data.readUnsignedByte();
                    boolean fin = (b0 & 0x80) != 0;
                    int opcode = b0 & 0x0F;
                    long len = b1 & 0x7F;
                    if (len == 126) {
                        len = data.readUnsignedShort();
                    } else if (len == 127) {
                        len = data.readLong();
                    }
                    if ((b1 & 0x80) == 0 || len > MAX_MESSAGE) { // §5.1: clients must mask
                        close(1002, "protocol error");
                        return;
                    }
                    byte[] mask = new byte[4];
                    data.readFully(mask);
                    byte[] payload = new byte[(int) len];
                    data.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i & 3];
                    }
                    switch (opcode) {
                        case 0x8 -> {
                            closeCode = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
                            if (!closeSent) {
                                close(closeCode, ""); // echo the client's close (§5.5.1)
                            }
                            return;
                        }
                        case 0x9 -> sendFrame(0xA, payload);
                        case 0xA -> {
                        }
                        case 0x0, 0x1, 0x2 -> {
                            if (opcode != 0) {
                                messageOpcode = opcode;
                                message.reset();
                            }
                            message.writeBytes(payload);
                            if (message.size() > MAX_MESSAGE) {
                                close(1009, "too big");
                                return;
                            }
                            if (fin) {
                                byte[] m = message.toByteArray();
                                message.reset();
                                if (messageOpcode == 1) {
                                    handler.onText(this, new String(m, StandardCharsets.UTF_8));
                                } else {
                                    handler.onBinary(this, m);
                                }
                            }
                        }
                        default -> {
                            close(1002, "bad opcode");
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // connection gone
            } finally {
                open = false;
                connections.remove(this);
                handler.onClose(this, closeCode);
            }
        }

        private boolean handshake(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last = 0;
            while (last != 0x0D0A0D0A) { // the header block ends with an empty line
                int b = in.read();
                if (b < 0 || head.size() > 16384) {
                    return false;
                }
                head.write(b);
                last = last << 8 | b;
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length < 2) {
                return false;
            }
            int q = requestLine[1].indexOf('?');
            query = q < 0 ? "" : requestLine[1].substring(q + 1);
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            String key = headers.get("sec-websocket-key");
            if (key == null) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return false;
            }
            String accept;
            try {
                accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        }

        void sendText(String text) {
            sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        void sendBinary(byte[] data) {
            sendFrame(0x2, data);
        }

        /**
         * Starts the closing handshake (§5.5.1) with {@code code}: the reader closes the TCP connection when the
         * client's close frame comes back, or after a second at the latest.
         */
        void close(int code, String reason) {
            if (closeSent) {
                return;
            }
            closeSent = true;
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[2 + r.length];
            p[0] = (byte) (code >>> 8);
            p[1] = (byte) code;
            System.arraycopy(r, 0, p, 2, r.length);
            sendFrame(0x8, p);
            open = false;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                abort();
            });
        }

        /** Drops the TCP connection without a closing handshake (a crashed server). */
        void abort() {
            open = false;
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        private synchronized void sendFrame(int opcode, byte[] payload) {
            if (out == null || socket.isClosed()) {
                return;
            }
            try {
                ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 10);
                f.write(0x80 | opcode);
                if (payload.length < 126) {
                    f.write(payload.length);
                } else if (payload.length < 65536) {
                    f.write(126);
                    f.write(payload.length >>> 8);
                    f.write(payload.length);
                } else {
                    f.write(127);
                    for (int i = 7; i >= 0; i--) {
                        f.write((int) ((long) payload.length >>> (8 * i)));
                    }
                }
                f.writeBytes(payload);
                out.write(f.toByteArray());
                out.flush();
            } catch (IOException e) {
                abort();
            }
        }
    }
}
