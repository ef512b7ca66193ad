package org.swarmkeeper.front;

import java.io.FileDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Locale;

/**
 * Linux's {@code TCP_DEFER_ACCEPT} on a listening socket: the kernel completes a connection for {@code accept}
 * only once data has arrived on it (or the period has passed), as Apache httpd's and nginx's {@code deferred}
 * listeners do. The JDK has no socket option for it, so it goes through the JDK's own {@code setsockopt}
 * ({@code sun.nio.ch.Net}), reachable only when {@code java.base/sun.nio.ch} is opened to the application
 * ({@code Add-Opens} in the jar's manifest, or {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}).
 */
final class DeferredAccept {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_DEFER_ACCEPT = 9;

    private DeferredAccept() {
    }

    /** Whether this system has the option. */
    static boolean isAvailable() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    /**
     * Sets it for {@code period} (at least a second; the kernel rounds it up to its SYN-ACK retransmissions, 1, 3,
     * 7, 15 s…). Null when set; otherwise why not.
     */
    static String enable(ServerSocketChannel server, Duration period) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, period.toSeconds()));
        try {
            Method getFd = server.getClass().getMethod("getFD");
            getFd.setAccessible(true);
            Method setIntOption = Class.forName("sun.nio.ch.Net").getDeclaredMethod("setIntOption0",
                    FileDescriptor.class, boolean.class, int.class, int.class, int.class, boolean.class);
            setIntOption.setAccessible(true);
            setIntOption.invoke(null, getFd.invoke(server), false, IPPROTO_TCP, TCP_DEFER_ACCEPT, seconds, false);
            return null;
        } catch (InvocationTargetException e) {
            return "setsockopt failed: " + e.getCause();
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return "this JDK's internals differ: " + e;
        } catch (IllegalAccessException | RuntimeException e) { // InaccessibleObjectException
            return "java.base/sun.nio.ch is not opened to the application; java -jar opens it (the jar's manifest), "
                    + "otherwise add --add-opens java.base/sun.nio.ch=ALL-UNNAMED: " + e;
        }
    }
}
