package dev.fedlearn.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser tests' browser: Debian's {@code chromium} driven through its {@code chromedriver} (packages
 * {@code chromium} and {@code chromium-driver}), headless. Both are named by path, so Selenium downloads nothing.
 * Without them the browser tests are skipped with the reason; with {@code FL_REQUIRE_BROWSER=true} (as in CI) they
 * fail instead.
 */
final class BrowserSupport {
  static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
  static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"));

  private BrowserSupport() {}

  /** Why there is no browser to drive here, or null when there is one. */
  static String missing() {
    Path browser = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    Path driver = DRIVERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    return browser == null ? "no Chromium at " + BROWSERS : driver == null ? "no chromedriver at " + DRIVERS : null;
  }

  /** With {@code why} there is no browser: the test is skipped with the reason (or fails, with FL_REQUIRE_BROWSER). */
  static void skipOrFail(String why) {
    if ("true".equalsIgnoreCase(System.getenv("FL_REQUIRE_BROWSER"))) {
      fail("FL_REQUIRE_BROWSER=true but " + why + " (apt-get install chromium chromium-driver)");
    }
    Assumptions.abort("browser test skipped: " + why + " (apt-get install chromium chromium-driver; set "
        + "FL_REQUIRE_BROWSER=true to fail instead)");
  }

  /** A headless Chromium of the given window size, or the test skipped (or failed) with the reason. */
  static ChromeDriver chromium(int width, int height) {
    String why = missing();
    if (why != null) {
      skipOrFail(why);
    }
    Path browser = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElseThrow();
    Path driver = DRIVERS.stream().filter(Files::isExecutable).findFirst().orElseThrow();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height, "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
