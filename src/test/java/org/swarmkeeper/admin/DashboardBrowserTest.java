package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.RequiredTools;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through its chromedriver, signs in as an
 * admin user, opens the overview, a torrent and a user (and spends the user's points there), then the classes,
 * and checks what each page shows against the API. A
 * screenshot of each page is kept under {@code target/screenshots/} (a CI artifact).
 */
class DashboardBrowserTest extends TrackerIntegrationTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String PASSWORD = "correct horse battery staple";

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        RequiredTools.require("Chromium and chromedriver (Debian packages chromium, chromium-driver)",
                Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAdminSignsInAndSeesTheOverviewATorrentAndAUserAsTheApiHasThem() {
        String admin = "dash" + System.nanoTime() % 1_000_000;
        assertThat(this.admin.post("/api/admin-users", "{\"name\":\"" + admin + "\",\"password\":\"" + PASSWORD
                + "\",\"scopes\":[\"read\",\"write\"]}").status()).isEqualTo(201);
        InfoHash torrent = newTorrent(1_000_000);
        CreatedUser seederUser = newUser();
        CreatedUser leecherUser = newUser();
        TestClient seeder = client(seederUser, torrent, "-TR3000-", "127.0.5.1");
        TestClient leecher = client(leecherUser, torrent, "-qB4520-", "127.0.5.2");
        seeder.announce(0, 0, 0, AnnounceEvent.STARTED);
        leecher.announce(0, 0, 1_000_000, AnnounceEvent.STARTED);
        seeder.announce(250_000, 0, 0, AnnounceEvent.NONE);
        leecher.announce(0, 250_000, 750_000, AnnounceEvent.NONE);
        evaluatePolicy();

        browser.get(url("/admin/"));
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys(admin);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        awaitLoaded("/admin/");
        JsonNode summary = this.admin.get("/api/summary").json();
        for (String field : List.of("peers.total", "peers.seeders", "peers.leechers", "swarms", "users", "torrents")) {
            String[] path = field.split("\\.");
            JsonNode expected = path.length == 2 ? summary.get(path[0]).get(path[1]) : summary.get(path[0]);
            assertThat(field(field)).as(field).isEqualTo(expected.asString());
        }
        assertThat(browser.findElements(By.cssSelector("#chart-rate, #chart-clients"))).hasSize(2);
        WebElement topRow = row("#top-torrents tr[data-infohash='" + torrent.hex() + "']");
        assertThat(topRow.findElement(By.cssSelector("[data-field=seeders]")).getText()).isEqualTo("1");
        assertThat(topRow.findElement(By.cssSelector("[data-field=leechers]")).getText()).isEqualTo("1");
        screenshot("overview");

        topRow.findElement(By.cssSelector("[data-field=name] a, a[data-field=name]")).click();
        awaitLoaded("/admin/torrent.html");
        JsonNode swarm = this.admin.get("/api/torrents/" + torrent.hex()).json();
        assertThat(field("name")).isEqualTo(swarm.get("name").asString());
        assertThat(field("infoHash")).isEqualTo(torrent.hex());
        assertThat(field("seeders")).isEqualTo("1");
        assertThat(field("leechers")).isEqualTo("1");
        assertThat(browser.findElements(By.cssSelector("#peers tr[data-peer-id]"))).hasSize(2);
        WebElement leecherRow = browser.findElements(By.cssSelector("#peers tr[data-peer-id]")).stream()
                .filter(peer -> peer.findElement(By.cssSelector("[data-field=progress]")).getText().equals("25.0%"))
                .findFirst().orElseThrow(() -> new AssertionError("no leecher at 25.0% in the peer table"));
        assertThat(leecherRow.findElement(By.cssSelector("[data-field=client]")).getText()).contains("qBittorrent");
        assertThat(leecherRow.findElement(By.cssSelector("[data-field=address]")).getText()).startsWith("127.0.5.2:");
        screenshot("torrent");

        leecherRow.findElement(By.cssSelector("[data-field=user] a, a[data-field=user]")).click();
        awaitLoaded("/admin/user.html");
        JsonNode user = this.admin.get("/api/users/" + leecherUser.id()).json();
        assertThat(field("name")).isEqualTo(user.get("name").asString());
        assertThat(browser.findElement(By.cssSelector("[data-field=downloaded]")).getAttribute("data-value"))
                .isEqualTo("250000").isEqualTo(user.get("downloaded").asString());
        assertThat(field("ratio")).isEqualTo("0.00");
        assertThat(field("requiredRatio")).isEqualTo(String.format("%.2f", user.get("standing").get("requiredRatio").asDouble()));
        assertThat(field("leechingAllowed")).isEqualTo(user.get("standing").get("leechingAllowed").asBoolean() ? "yes" : "no");
        WebElement history = row("#history tr[data-infohash='" + torrent.hex() + "']");
        assertThat(history.findElement(By.cssSelector("[data-field=downloaded]")).getAttribute("data-value"))
                .isEqualTo("250000");
        JsonNode userClass = this.admin.get("/api/users/" + leecherUser.id() + "/class").json();
        assertThat(field("class.userClass")).isEqualTo(userClass.get("userClass").asString());
        assertThat(browser.findElements(By.cssSelector("#requirements tr[data-requirement]")))
                .hasSize(userClass.get("requirements").size());
        screenshot("user");

        // Staff spend the user's points on upload credit through the page: balance, spends and events follow.
        jdbc.update("UPDATE users SET seed_points = 150000000 WHERE id = ?", leecherUser.id()); // 150 points
        browser.navigate().refresh();
        awaitLoaded("/admin/user.html");
        assertThat(field("points.balance")).isEqualTo("150.00");
        new Select(browser.findElement(By.id("spend-item"))).selectByValue("upload");
        browser.findElement(By.cssSelector("#spend button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-field='points.balance']"), "50.00"));
        assertThat(browser.findElement(By.id("spend-result")).getText()).isEqualTo("Spent.");
        assertThat(row("#spends tr[data-spend-id]").findElement(By.cssSelector("[data-field=item]")).getText())
                .isEqualTo("upload");
        browser.findElement(By.cssSelector("#spend button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("spend-result"),
                "the balance of 50 points is short of the price of 100"));

        browser.findElement(By.linkText("Classes")).click();
        awaitLoaded("/admin/classes.html");
        assertThat(browser.findElements(By.cssSelector("#privileges tr[data-class]")))
                .hasSize(this.admin.get("/api/economy/classes").json().size());
        screenshot("classes");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void awaitLoaded(String path) {
        wait.until(ExpectedConditions.urlContains(path));
        wait.until(driver -> "true".equals(driver.findElement(By.tagName("body")).getAttribute("data-loaded")));
        List<WebElement> errors = browser.findElements(By.cssSelector("#error"));
        assertThat(errors.isEmpty() || errors.get(0).getText().isBlank()).as("errors shown: %s",
                errors.isEmpty() ? "" : errors.get(0).getText()).isTrue();
    }

    private String field(String name) {
        return browser.findElement(By.cssSelector("[data-field='" + name + "']")).getText();
    }

    private WebElement row(String selector) {
        List<WebElement> rows = browser.findElements(By.cssSelector(selector));
        assertThat(rows).as(selector).hasSize(1);
        return rows.get(0);
    }

    private void screenshot(String page) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
