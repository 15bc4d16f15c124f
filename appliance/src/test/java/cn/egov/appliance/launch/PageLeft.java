package cn.egov.appliance.launch;

import java.time.Duration;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Waits, after a click, until the browser has left the page that element was on. */
final class PageLeft {

    private PageLeft() {
    }

    /**
     * Selenium's {@code stalenessOf} expects a StaleElementReferenceException; in the middle of a
     * navigation Chromium 156 answers "Node with given id does not belong to the document" instead,
     * an unknown error that made the wait fail. Either means the old page is gone.
     */
    static void after(WebDriver driver, WebElement clicked, Duration wait) {
        new WebDriverWait(driver, wait).until(d -> {
            try {
                clicked.isEnabled();
                return false;
            } catch (WebDriverException gone) {
                return true;
            }
        });
    }
}
