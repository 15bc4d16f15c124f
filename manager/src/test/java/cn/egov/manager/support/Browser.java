package cn.egov.manager.support;

import java.io.File;
import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver (never a downloaded
 * driver), with the browser console's messages kept, and the manager's log-in form filled in as a
 * person would.
 */
public final class Browser {

    private Browser() {
    }

    /** A fresh browser (its own profile under {@code dir}). */
    public static ChromeDriver start(Path dir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768",
                "--user-data-dir=" + dir);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Opens {@code base + path}, is sent to the log-in form, logs in and waits for the page asked for. */
    public static void logIn(ChromeDriver browser, String base, String path, String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(base + path);
        fill(browser, user, password);
        await("the page after log-in", () -> !browser.getCurrentUrl().contains("/login"));
    }

    /** Fills and submits the log-in form on screen. */
    public static void fill(ChromeDriver browser, String user, String password) {
        await("the log-in form", () -> !browser.findElements(By.id("login")).isEmpty());
        browser.findElement(By.id("user")).clear();
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        org.openqa.selenium.WebElement form = browser.findElement(By.id("login"));
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        // the answer is a new page: wait until the form submitted is gone, or the next look reads the old one
        await("the answer to the log-in form", () -> gone(form));
    }

    /**
     * Whether {@code element}'s document has been replaced (a submitted form, once its answer is on
     * screen). Chromium 156 answers a look at an element of a document being replaced with "Node …
     * does not belong to the document" (an unknown error) instead of a stale reference: gone all the same.
     */
    public static boolean gone(org.openqa.selenium.WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** Waits (30 s at most) until {@code condition} holds: a click that loads a page answers before the page is there. */
    public static void await(String what, java.util.function.BooleanSupplier condition) {
        try {
            Poll.until(what, 30_000, condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }
}
