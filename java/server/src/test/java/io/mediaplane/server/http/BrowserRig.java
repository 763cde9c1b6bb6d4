package io.mediaplane.server.http;

import io.mediaplane.testing.Chromium;
import io.mediaplane.testing.PageServer;

/** Our server, the test page on another origin, and one headless Chromium with the page open; closed in reverse. */
final class BrowserRig implements AutoCloseable {
    final MediaServer server;
    final PageServer page;
    final Chromium chromium;
    final Chromium.Page tab;

    private BrowserRig(MediaServer server, PageServer page, Chromium chromium, Chromium.Page tab) {
        this.server = server;
        this.page = page;
        this.chromium = chromium;
        this.tab = tab;
    }

    static BrowserRig start(MediaServer.Config config) throws Exception {
        MediaServer server = MediaServer.start(config);
        PageServer page = null;
        Chromium chromium = null;
        try {
            page = PageServer.serve("/web/whip-whep.html");
            chromium = Chromium.start();
            return new BrowserRig(server, page, chromium, chromium.open(page.url()));
        } catch (Exception e) {
            new BrowserRig(server, page, chromium, null).close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try (MediaServer s = server; PageServer p = page; Chromium c = chromium; Chromium.Page t = tab) {
            // closes the tab, the browser, the page server, then our server
        }
    }
}
