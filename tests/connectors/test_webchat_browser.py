"""The web chat page in real headless Chromium against the real servers."""

from __future__ import annotations

import shutil
import tempfile

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture()
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="webchat-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_page_sends_a_message_and_shows_the_reply_and_buttons(live_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_bot.base_url}/webhooks/webchat/")
    assert "Pip" in browser.title

    browser.find_element(By.ID, "text").send_keys("hello")
    browser.find_element(By.ID, "send").click()
    wait = WebDriverWait(browser, 30)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".msg.bot")))
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".msg.user")] == ["hello"]
    assert "I'm Pip" in browser.find_elements(By.CSS_SELECTOR, ".msg.bot")[0].text

    # Buttons from the bot are clickable and send their payload.
    browser.find_element(By.ID, "text").send_keys("I want to return a jacket")
    browser.find_element(By.ID, "send").click()
    button = wait.until(ec.element_to_be_clickable((By.XPATH, "//div[@class='buttons']/button[text()='Yes, please']")))
    button.click()
    wait.until(lambda d: any("harborandpine.example/returns" in e.text
                             for e in d.find_elements(By.CSS_SELECTOR, ".msg.bot")))

    # Markup typed by the customer is shown as text, never interpreted.
    browser.find_element(By.ID, "text").send_keys("<b>bold</b>")
    browser.find_element(By.ID, "send").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.user")) == 4)
    assert browser.find_elements(By.CSS_SELECTOR, ".msg.user")[-1].text == "<b>bold</b>"


def test_page_shows_messages_from_the_inbox_once_and_marks_a_person(live_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from connectors.webchat_outbox import WebChatOutbox

    browser.get(f"{live_bot.base_url}/webhooks/webchat/")
    browser.find_element(By.ID, "text").send_keys("hello")
    browser.find_element(By.ID, "send").click()
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.bot"))
    cookie = browser.get_cookie("switchboard_session")
    assert cookie is not None and cookie["httpOnly"] is True  # the page's script cannot read it
    assert browser.execute_script("return document.cookie").find("switchboard_session") == -1
    sender = live_bot._conversation_of_token(cookie["value"]).split(":", 1)[1]  # the session id the server issued
    assert len(sender) >= 32

    # What the handoff's output channel stores for this page (the same SQLite file the server uses).
    outbox = WebChatOutbox(live_bot.workdir / "webchat.db")
    outbox.put(sender, "Pat here: <b>not bold</b>", author="agent")
    outbox.put(sender, "I'm back!", author="bot")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.bot")) >= 2)
    [agent] = browser.find_elements(By.CSS_SELECTOR, ".msg.agent")
    assert agent.find_element(By.CSS_SELECTOR, ".who").text == "Care team"
    assert agent.text == "Care team\nPat here: <b>not bold</b>"  # shown as text, never interpreted
    assert browser.find_elements(By.CSS_SELECTOR, ".msg.bot")[-1].text == "I'm back!"

    # The next poll acknowledges them; a reload does not show them again, a new one arrives once.
    wait.until(lambda _: outbox.fetch(sender) == [])
    browser.refresh()
    outbox.put(sender, "One more thing from Pat.", author="agent")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.agent"))  # a returning visitor polls at once
    wait.until(lambda _: outbox.fetch(sender) == [])
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".msg.agent")] == [
        "Care team\nOne more thing from Pat."]
    assert browser.find_elements(By.CSS_SELECTOR, ".msg.bot") == []
