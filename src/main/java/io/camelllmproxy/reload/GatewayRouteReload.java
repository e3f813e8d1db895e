package io.camelllmproxy.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.component.direct.DirectConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Camel's route watcher (the one {@code camel.main.routesReloadEnabled} starts), made safe for routes that
 * share state. Camel reloads the routes of the edited file only ({@code routesReloadRemoveAllRoutes=false}:
 * stop, remove, add again, by route id); this class adds what that leaves out:
 * <ul>
 * <li>an edit that fails once the old routes are gone (an unknown bean, endpoint or route configuration)
 *     would leave the file's routes missing: the last good text of the file is loaded back, and one WARN line
 *     says {@code file:line} and why;</li>
 * <li>only the items of the file that changed are replaced ({@link RouteFileItems}): editing one route leaves
 *     the file's REST routes, beans and other routes running;</li>
 * <li>callers of a direct route being replaced wait for the new one instead of entering the stopping one;</li>
 * <li>routes built with a route configuration keep the old one until they are rebuilt: after a route
 *     configuration changed, the routes that name it are reloaded too.</li>
 * </ul>
 */
public class GatewayRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRouteReload.class);
    private static final Pattern LINE = Pattern.compile("line (\\d+)");
    /** How long a file must stay the same before it is read as edited. */
    private static final long SETTLE_MILLIS = 100;
    /** How long callers get to enter a route whose direct consumer was just suspended (see suspendDirectConsumers). */
    private static final long QUIESCE_MILLIS = 250;

    /** Last text of each watched file that loaded, by absolute path: what an invalid edit falls back to. */
    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();
    /** Last text of each file that was refused: the same text saved (or reported) again is not tried again. */
    private final Map<Path, String> refused = new ConcurrentHashMap<>();
    private final Path folder;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile boolean stopping;

    public GatewayRouteReload(Path folder, boolean recursive) {
        super(folder.toString(), recursive);
        this.folder = folder;
    }

    /**
     * Puts this watcher in place of the one Camel Main added for {@code camel.main.routesReloadEnabled}, on the
     * same folder (resolved to an absolute real path, as the routes were loaded from), pattern and settings.
     * Does nothing when reload is off.
     */
    public static void replaceMainWatcher(CamelContext context) {
        RouteWatcherReloadStrategy main = context.hasService(RouteWatcherReloadStrategy.class);
        if (main == null || main instanceof GatewayRouteReload || main.getFolder() == null) {
            return;
        }
        Path dir = Path.of(main.getFolder());
        try {
            dir = Files.isDirectory(dir) ? dir.toRealPath() : dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the routes reload folder " + dir, e);
        }
        GatewayRouteReload watcher = new GatewayRouteReload(dir, main.isRecursive());
        watcher.setPattern(main.getPattern());
        watcher.setRemoveAllRoutes(main.isRemoveAllRoutes());
        // Camel's own watcher must not reload the same files a second time: it is left without a folder
        main.setFolder(null);
        try {
            context.removeService(main);
            context.addService(watcher);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the route watcher on " + dir, e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        EventNotifierSupport onStopping = new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                stopping = true;
                reloading.lock();
                reloading.unlock();
            }
        };
        getCamelContext().getManagementStrategy().addEventNotifier(onStopping);
        ServiceHelper.startService(onStopping);
        if (isRemoveAllRoutes()) {
            LOG.warn("camel.main.routesReloadRemoveAllRoutes=true: an edit stops and re-creates every route of the gateway "
                    + "and leaves the REST API without routes; set it to false");
        }
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
                for (Path file : files) {
                    if (Files.isRegularFile(file) && getFileFilter().accept(file.toFile())) {
                        lastGood.put(file.toAbsolutePath().normalize(), Files.readString(file, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    /**
     * One reload at a time, and none once Camel stops: stopping waits for a reload at work (it adds and removes
     * routes, which Camel's stop must not meet half done) and no reload starts after it.
     */
    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        reloading.lock();
        try {
            if (!stopping) {
                reload(resources, removeEverything);
            }
        } finally {
            reloading.unlock();
        }
    }

    private void reload(Collection<Resource> resources, boolean removeEverything) {
        if (isRemoveAllRoutes() || resources == null || resources.size() != 1) {
            super.onRouteReload(resources, removeEverything);
            return;
        }
        Resource edited = resources.iterator().next();
        Path file = Path.of(edited.getURI()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            // Camel cannot tell which routes a deleted file held: they keep running until the next restart
            return;
        }
        String text = settled(file);
        if (text.isBlank()) {
            // an editor that truncates before writing: the write that follows is reloaded
            LOG.debug("{} is empty: waiting for its content", file);
            return;
        }
        if (text.equals(refused.get(file))) {
            LOG.debug("{} is unchanged since it was refused", file);
            return;
        }
        List<RouteFileItems.Item> items = RouteFileItems.parse(text);
        List<RouteFileItems.Item> changed = items;
        String previous = lastGood.get(file);
        List<RouteFileItems.Item> before = previous == null ? null : RouteFileItems.parse(previous);
        Resource load = edited;
        if (items != null && before != null) {
            List<Object> unchanged = before.stream().map(RouteFileItems.Item::value).toList();
            changed = items.stream().filter(item -> !unchanged.contains(item.value())).toList();
            if (changed.isEmpty()) {
                lastGood.put(file, text);
                LOG.info("{}: no route, rest, bean or route configuration changed", file);
                return;
            }
            if (changed.size() < items.size()) {
                // only what changed is replaced: an untouched rest keeps its HTTP routes, untouched beans stay bound
                load = ResourceHelper.fromString("file:" + file, RouteFileItems.keepOnly(text, items, changed::contains));
            }
        }
        replace(file, text, load, changed, before, previous);
        lastGood.put(file, text);
        refused.remove(file);
        rebuildRoutesUsing(file, changed);
        if (!read(file).equals(text)) {
            // written again meanwhile, and the watcher may have folded that event into the one just handled
            onRouteReload(resources, removeEverything);
        }
    }

    /**
     * The file's text once it stops changing: an editor (or a copy) may write a large file in several steps,
     * and a half-written file can be valid YAML that drops routes.
     */
    private static String settled(Path file) {
        String text = read(file);
        for (int i = 0; i < 50; i++) {
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return text;
            }
            String again = read(file);
            if (again.equals(text)) {
                return text;
            }
            text = again;
        }
        return text;
    }

    /**
     * Hands {@code load} to Camel. The direct consumers of the routes about to be replaced are suspended first:
     * a caller then waits for the new route (direct's {@code block}) instead of entering a route that is being
     * stopped. A failure is logged with its line, and the last good version of any route it removed is loaded back.
     */
    private void replace(Path file, String text, Resource load, List<RouteFileItems.Item> changed,
                         List<RouteFileItems.Item> before, String previous) {
        Set<String> ids = new LinkedHashSet<>();
        if (changed != null) {
            changed.stream().map(RouteFileItems.Item::routeId).filter(java.util.Objects::nonNull).forEach(ids::add);
            suspendDirectConsumers(ids);
        }
        try {
            super.onRouteReload(List.of(load), false);
        } catch (RuntimeException e) {
            LOG.warn("{}: edit refused, the routes of this file keep serving as before it: {}", where(file, text, e),
                    reason(e));
            refused.put(file, text);
            restore(file, ids, before, previous);
            throw e;
        }
    }

    private void suspendDirectConsumers(Set<String> ids) {
        boolean suspended = false;
        for (String id : ids) {
            Route route = getCamelContext().getRoute(id);
            if (route != null && route.getConsumer() instanceof DirectConsumer consumer) {
                try {
                    suspended |= ServiceHelper.suspendService(consumer);
                } catch (RuntimeException e) {
                    LOG.debug("route {}: its consumer was not suspended: {}", id, e.toString());
                }
            }
        }
        if (!suspended) {
            return;
        }
        // A caller that looked the consumer up just before it was suspended enters the route a moment later: give
        // it that moment, then let what is in flight finish before Camel stops the route's processors.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(
                Math.max(1, getCamelContext().getShutdownStrategy().getTimeout()));
        InflightRepository inflight = getCamelContext().getInflightRepository();
        try {
            Thread.sleep(QUIESCE_MILLIS);
            while (ids.stream().anyMatch(id -> inflight.size(id) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a failed edit: resumes routes it did not reach, and loads back the last good version of those it removed. */
    private void restore(Path file, Set<String> ids, List<RouteFileItems.Item> before, String previous) {
        Set<String> gone = new LinkedHashSet<>();
        for (String id : ids) {
            Route route = getCamelContext().getRoute(id);
            if (route != null && getCamelContext().getRouteController().getRouteStatus(id) == ServiceStatus.Started) {
                ServiceHelper.resumeService(route.getConsumer());
            } else {
                gone.add(id);
            }
        }
        if (gone.isEmpty() || before == null) {
            return;
        }
        try {
            super.onRouteReload(List.of(ResourceHelper.fromString("file:" + file,
                    RouteFileItems.keepOnly(previous, before, item -> gone.contains(item.routeId())))), false);
            LOG.info("{}: the routes of its last good version are serving again: {}", file, gone);
        } catch (RuntimeException again) {
            LOG.error("{}: its last good version did not load again either: {}", file, reason(again));
        }
    }

    /**
     * Routes take a changed route configuration only when they are rebuilt: after route configurations of
     * {@code file} changed, the routes that name them (in any watched file) are reloaded too.
     */
    private void rebuildRoutesUsing(Path file, List<RouteFileItems.Item> changed) {
        if (changed == null) {
            return;
        }
        Set<String> configurations = new LinkedHashSet<>();
        changed.stream().map(RouteFileItems.Item::routeConfigurationId).filter(java.util.Objects::nonNull)
                .forEach(configurations::add);
        if (configurations.isEmpty()) {
            return;
        }
        for (Path other : List.copyOf(lastGood.keySet())) {
            if (other.equals(file) || !Files.isRegularFile(other)) {
                continue;
            }
            String text = read(other);
            List<RouteFileItems.Item> items = RouteFileItems.parse(text);
            if (items == null) {
                continue;
            }
            List<RouteFileItems.Item> users = items.stream().filter(item -> item.routeConfigurationIds().stream()
                    .anyMatch(configurations::contains)).toList();
            if (users.isEmpty()) {
                continue;
            }
            LOG.info("{}: rebuilding its routes that use {} of {}", other.getFileName(), configurations, file.getFileName());
            try {
                replace(other, text, ResourceHelper.fromString("file:" + other,
                        RouteFileItems.keepOnly(text, items, users::contains)), users, items, text);
            } catch (RuntimeException e) {
                // told by replace(); the routes keep their previous configuration
            }
        }
    }

    /** {@code file:line} of the mistake when the failure tells it (a YAML error) or names something on a line. */
    static String where(Path file, String text, Throwable failure) {
        List<String> lines = text.lines().toList();
        // what the failure names (a bean, an endpoint) is on the line to fix; then a YAML error's own line;
        // else the route that could not be created
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String named = cause instanceof NoSuchBeanException missing ? missing.getName()
                    : cause instanceof ResolveEndpointFailedException endpoint ? endpoint.getUri() : null;
            int at = named == null ? -1 : lineHolding(lines, named);
            if (at > 0) {
                return file + ":" + at;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            Matcher line = LINE.matcher(String.valueOf(cause.getMessage()));
            if (line.find()) {
                return file + ":" + line.group(1);
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FailedToCreateRouteException route) {
                int at = lineHolding(lines, "id: " + route.getRouteId());
                if (at > 0) {
                    return file + ":" + at;
                }
            }
        }
        return file.toString();
    }

    /** The 1-based line holding {@code named} (or, for an endpoint URI, its part before any option), or -1. */
    private static int lineHolding(List<String> lines, String named) {
        List<String> candidates = new ArrayList<>(List.of(named));
        if (named.contains("?")) {
            candidates.add(named.substring(0, named.indexOf('?')));
        }
        if (named.contains("://")) {
            candidates.add(named.substring(0, named.indexOf("://")) + ":" + named.substring(named.indexOf("://") + 3));
        }
        for (String candidate : candidates) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(candidate)) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** The deepest message of the failure, on one line. */
    private static String reason(Throwable failure) {
        Throwable deepest = failure;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
