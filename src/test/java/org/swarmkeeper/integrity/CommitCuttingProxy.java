package org.swarmkeeper.integrity;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy between one tracker and PostgreSQL that can lose the acknowledgement of a commit. Armed, it lets
 * the {@code COMMIT} of the next transaction that wrote to a given table reach PostgreSQL, waits for PostgreSQL's
 * answer to it (ReadyForQuery), and closes both connections without passing that answer on: the commit happened,
 * the tracker sees an I/O error. One cut per arming.
 *
 * <p>It reads the protocol's framing only: the client's startup message (an int32 length and the rest, no type
 * byte), then typed messages both ways (a type byte and an int32 length that counts itself). The tracker's JDBC
 * URL turns SSL and GSS encryption off, so no one-byte answer to such a request comes before the startup message.
 * A statement's text arrives with a simple Query ({@code Q}) or with Parse ({@code P}); pgjdbc runs a statement it
 * prepared on the server by its name with Bind ({@code B}) alone, so each connection remembers the texts of its
 * named statements. {@code COMMIT} is recognised whichever way it comes.
 */
final class CommitCuttingProxy implements AutoCloseable {

    private final int databasePort;
    private final String table;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicReference<CompletableFuture<Void>> armed = new AtomicReference<>();

    /** Listens on a free loopback port for connections to PostgreSQL on {@code databasePort}. */
    CommitCuttingProxy(int databasePort, String table) throws IOException {
        this.databasePort = databasePort;
        this.table = table;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("pg-proxy-" + port(), this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Completes once the next commit of a transaction that wrote to the table has been cut. */
    CompletableFuture<Void> cutNextCommit() {
        CompletableFuture<Void> cut = new CompletableFuture<>();
        armed.set(cut);
        return cut;
    }

    void disarm() {
        armed.set(null);
    }

    /**
     * Whether no connection is open. After the tracker died, this means PostgreSQL closed every one of its
     * sessions: whatever those sessions had sent is committed or rolled back.
     */
    boolean idle() {
        return links.isEmpty();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        links.forEach(Link::close);
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), databasePort), 2_000);
                // Both ends write messages as they come, like pgjdbc and PostgreSQL: no Nagle delay on loopback.
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException databaseDown) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            daemon("pg-proxy-up", link::clientToServer);
            daemon("pg-proxy-down", link::serverToClient);
        }
    }

    /** One proxied connection: a thread each way. */
    private final class Link {

        private final Socket client;
        private final Socket server;
        /** Texts of the statements this connection prepared by name, and of its last unnamed one. */
        private final Map<String, String> statements = new HashMap<>();
        private String unnamed = "";
        private boolean inTransaction;
        private boolean wroteTable;
        /** Set before a cut COMMIT is forwarded, so that no part of PostgreSQL's answer reaches the tracker. */
        private volatile CompletableFuture<Void> cutting;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            try {
                DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
                OutputStream out = new BufferedOutputStream(server.getOutputStream());
                forward(in, out, readMessage(in, false));
                while (true) {
                    byte[] message = readMessage(in, true);
                    CompletableFuture<Void> cut = inspect(message);
                    if (cut != null) {
                        cutting = cut;
                    }
                    forward(in, out, message);
                }
            } catch (IOException ended) {
                // The tracker closed the connection or died, or the link was cut.
            } finally {
                try {
                    server.shutdownOutput(); // PostgreSQL reads what came before, then ends the session
                } catch (IOException closedAlready) {
                    // cut or ended by PostgreSQL
                }
            }
        }

        void serverToClient() {
            try {
                DataInputStream in = new DataInputStream(new BufferedInputStream(server.getInputStream()));
                OutputStream out = new BufferedOutputStream(client.getOutputStream());
                boolean clientGone = false;
                while (true) {
                    byte[] message = readMessage(in, true);
                    CompletableFuture<Void> cut = cutting;
                    if (cut != null) {
                        if (message[0] == 'Z') { // PostgreSQL has finished the COMMIT
                            close();
                            cut.complete(null);
                            return;
                        }
                    } else if (!clientGone) {
                        try {
                            forward(in, out, message);
                        } catch (IOException e) {
                            clientGone = true; // the tracker died: keep reading until PostgreSQL ends the session
                        }
                    }
                }
            } catch (IOException ended) {
                // PostgreSQL ended the session (or stopped), or the link was cut.
            } finally {
                close();
                links.remove(this);
            }
        }

        /** The cut to make at this message: it is the COMMIT of a transaction that wrote to the table. */
        private CompletableFuture<Void> inspect(byte[] message) {
            int type = message[0];
            int position = 5;
            String executed;
            if (type == 'Q') {
                executed = cString(message, position);
            } else if (type == 'P') {
                String name = cString(message, position);
                String text = cString(message, position + utf8Length(name) + 1);
                if (name.isEmpty()) {
                    unnamed = text;
                } else {
                    statements.put(name, text);
                }
                return null;
            } else if (type == 'B') {
                String portal = cString(message, position);
                String name = cString(message, position + utf8Length(portal) + 1);
                executed = name.isEmpty() ? unnamed : statements.getOrDefault(name, "");
            } else {
                return null;
            }
            String command = executed.strip();
            if (command.equalsIgnoreCase("BEGIN")) {
                inTransaction = true;
                wroteTable = false;
            } else if (command.equalsIgnoreCase("COMMIT") || command.equalsIgnoreCase("ROLLBACK")) {
                boolean cut = inTransaction && wroteTable && command.equalsIgnoreCase("COMMIT");
                inTransaction = false;
                wroteTable = false;
                CompletableFuture<Void> pending = armed.get();
                if (cut && pending != null && armed.compareAndSet(pending, null)) {
                    return pending;
                }
            } else if (inTransaction && executed.contains(table)) {
                wroteTable = true;
            }
            return null;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    /** Writes a message, and sends what was written once nothing more has arrived to go with it. */
    private static void forward(DataInputStream in, OutputStream out, byte[] message) throws IOException {
        out.write(message);
        if (in.available() == 0) {
            out.flush();
        }
    }

    /** One message: with {@code typed}, its type byte, then the int32 length that counts itself, then the body. */
    private static byte[] readMessage(DataInputStream in, boolean typed) throws IOException {
        int type = 0;
        if (typed) {
            type = in.read();
            if (type < 0) {
                throw new EOFException();
            }
        }
        int length = in.readInt();
        if (length < 4) {
            throw new IOException("malformed message length " + length);
        }
        int header = typed ? 5 : 4;
        byte[] message = new byte[header + length - 4];
        if (typed) {
            message[0] = (byte) type;
        }
        message[header - 4] = (byte) (length >>> 24);
        message[header - 3] = (byte) (length >>> 16);
        message[header - 2] = (byte) (length >>> 8);
        message[header - 1] = (byte) length;
        in.readFully(message, header, length - 4);
        return message;
    }

    private static String cString(byte[] message, int from) {
        int end = from;
        while (end < message.length && message[end] != 0) {
            end++;
        }
        return new String(message, from, end - from, StandardCharsets.UTF_8);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
