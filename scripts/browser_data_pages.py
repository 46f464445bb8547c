"""Browser tests of the dashboard's data pages (README, "Dashboard"), run by scripts/browser-test against its live
server and Chromium: every page reached from the sidebar, the overview's KPIs and one account's figures equal the
API's for the same range, add / sort / filter / page forward and back / pause / resume / bulk delete on the accounts
table, a creator created and an account linked, a video's page, a scraping default followed by an account, and a
`member` who sees no write controls and whose forged form is refused. axe-core runs on every page (no serious or
critical violations); every page is saved in screenshots/ at 1440×900 and 390×844.
"""
import json
import os
import re
import ssl
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

try:
    from axe_selenium_python import Axe
except ImportError:  # reported as a failed check, not a crash
    Axe = None

SIZES = {"1440": (1440, 900, False), "390": (390, 844, True)}


class Data:
    """What the data-page tests share: the server, the API key, the browser and the checks."""

    def __init__(self, base, cert, key, driver, check, click_and_load, shots):
        self.base, self.key, self.driver = base, key, driver
        self.check, self.click_and_load, self.shots = check, click_and_load, shots
        self.context = ssl.create_default_context(cafile=cert)
        self.axe_seen = set()

    # The API, as a client sees it.
    def api(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": "Bearer " + self.key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    # The browser.
    def get(self, path):
        self.driver.get(self.base + path)

    def h1(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text.strip()

    def data_values(self, attribute):
        values = {}
        for element in self.driver.find_elements(By.CSS_SELECTOR, f"[data-{attribute}][data-value]"):
            values[element.get_attribute(f"data-{attribute}")] = element.get_attribute("data-value")
        return values

    def rows(self):
        return [row.get_attribute("data-account") for row in self.driver.find_elements(By.CSS_SELECTOR, "tr[data-account]")]

    def click(self, element):
        self.click_and_load(self.driver, element)

    def axe(self, name):
        """axe-core on the current page: no violation of impact serious or critical."""
        if Axe is None:
            self.check(f"axe-core available for {name}", False, "pip install axe-selenium-python")
            return
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run(options='{"resultTypes": ["violations"]}')
        bad = [v for v in results.get("violations", []) if v.get("impact") in ("serious", "critical")]
        detail = "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']} "
                           f"{v['nodes'][0].get('html', '')[:160]})" for v in bad)
        self.check(f"axe: no serious or critical violations on {name}", not bad, detail)
        minor = [v["id"] for v in results.get("violations", []) if v not in bad]
        if minor:
            print(f"        (minor axe findings on {name}: {', '.join(minor)})")

    def screenshots(self, name):
        """The whole page at 1440 and at 390 pixels wide (a phone, with touch and mobile viewport)."""
        os.makedirs(self.shots, exist_ok=True)
        for label, (width, height, mobile) in SIZES.items():
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            time.sleep(0.15)
            full = self.driver.execute_script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
            wide = self.driver.execute_script("return document.documentElement.scrollWidth")
            self.check(f"{name} at {label} px: nothing wider than the screen", wide <= width, f"{wide} px")
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": max(height, min(full, 6000)), "deviceScaleFactor": 1, "mobile": mobile})
            time.sleep(0.15)
            path = os.path.join(self.shots, f"{name}-{label}.png")
            self.driver.save_screenshot(path)
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        print(f"  saved screenshots/{name}-1440.png and -390.png")

    def visit(self, name):
        """The current page: axe, and both screenshots (once per page name)."""
        if name in self.axe_seen:
            return
        self.axe_seen.add(name)
        # Screenshots first: axe scrolls elements into view (tables would be photographed scrolled sideways).
        self.screenshots(name)
        self.axe(name)

    def nav(self, label):
        link = self.driver.find_element(By.XPATH, f"//nav[@aria-label='Dashboard']/a[normalize-space()='{label}']")
        self.click(link)
        current = self.driver.find_element(By.XPATH, f"//nav[@aria-label='Dashboard']/a[@aria-current='page']").text
        self.check(f"sidebar → {label}: marked as the current page", current.strip() == label, current)


def number(text):
    return float(text) if text not in (None, "") else None


def run(base, cert, demo, driver, check, click_and_load, shots):
    d = Data(base, cert, demo["api_key"], driver, check, click_and_load, shots)

    print("data pages: prepare 45 more accounts through the API (57 in all: two pages of 50)")
    for index in range(45):
        status, body = d.api("POST", "/v2/accounts", {"platform": "tiktok" if index % 3 == 0 else "instagram",
                                                       "username": "bulk_%02d" % index})
        if status != 201:
            check("create accounts through the API", False, f"{status} {body}")
            return

    print("sign in: the overview is the landing page")
    d.get("/sign-in")
    driver.find_element(By.NAME, "email").send_keys(demo["email"])
    driver.find_element(By.NAME, "password").send_keys(demo["password"])
    d.click(driver.find_element(By.ID, "sign-in"))
    check("signed in, on the overview", driver.current_url.rstrip("/") == base and d.h1() == "Overview",
          driver.current_url + " " + d.h1())
    d.visit("overview")

    print("overview: KPIs equal GET /v2/overview")
    for period in ("7d", "30d", "90d"):
        d.click(driver.find_element(By.XPATH, f"//nav[@aria-label='Date range']/a[normalize-space()='{period[:-1]} days']"))
        status, body = d.api("GET", f"/v2/overview?period={period}")
        current = body.get("data", {}).get("current", {})
        cards = d.data_values("kpi")
        for name in ("total_views", "engagement_rate", "active_accounts", "account_videos", "tracked_videos"):
            page, api = number(cards.get(name)), current.get(name)
            check(f"overview {period}: {name} {page} = API {api}", page == api or (page is not None and api is not None
                                                                                  and abs(page - api) < 1e-9))
        shown = driver.find_element(By.CSS_SELECTOR, "[data-kpi=total_views] .kpi-value").text.replace(",", "")
        check(f"overview {period}: the card shows the same total views", shown == str(current.get("total_views")), shown)
    check("the performance chart is drawn with a legend and a table of its numbers",
          driver.find_elements(By.CSS_SELECTOR, "#performance-chart svg[role=img]")
          and driver.find_elements(By.CSS_SELECTOR, "#performance-chart .chart-legend li")
          and driver.find_elements(By.CSS_SELECTOR, "#performance-chart details.chart-table"))
    check("top creators and recent videos are listed", driver.find_elements(By.CSS_SELECTOR, "#top-creators tbody tr")
          and driver.find_elements(By.CSS_SELECTOR, "#recent-videos li"))

    print("every page from the sidebar")
    for label, heading, name in (("Accounts", "Accounts", "accounts"), ("Creators", "Creators", "creators"),
                                 ("Account videos", "Account videos", "account-videos"),
                                 ("Individual videos", "Individual videos", "individual-videos"),
                                 ("Usage", "Usage", "usage"), ("Settings", "Settings", "settings"),
                                 ("API keys", "API keys", "keys"), ("Members", "Members", "members"),
                                 ("Audit log", "Audit log", "audit"), ("Overview", "Overview", "overview")):
        d.nav(label)
        check(f"{label}: heading {heading}", d.h1() == heading, d.h1())
        d.visit(name)

    print("accounts: add one, then sort, filter, page, pause / resume, bulk delete")
    d.nav("Accounts")
    Select(driver.find_element(By.CSS_SELECTOR, "#add-account select[name=platform]")).select_by_value("tiktok")
    driver.find_element(By.CSS_SELECTOR, "#add-account input[name=username]").send_keys("@Browser.Added")
    d.click(driver.find_element(By.ID, "add-account-button"))
    check("the added account is listed first", d.rows()[:1] == ["browser.added"], str(d.rows()[:3]))
    check("and it is not refreshed yet", "Not yet refreshed" in driver.find_element(
        By.CSS_SELECTOR, "tr[data-account='browser.added']").text)

    d.click(driver.find_element(By.CSS_SELECTOR, "th[data-col=followers] a"))
    followers = [int(cell.text.replace(",", "")) for cell in driver.find_elements(By.CSS_SELECTOR, "td[data-col=followers]")]
    check("sorted by followers, largest first", followers == sorted(followers, reverse=True) and len(followers) == 50,
          str(followers[:5]))
    check("the header says so (aria-sort)", driver.find_element(By.CSS_SELECTOR, "th[data-col=followers]")
          .get_attribute("aria-sort") == "descending")
    d.click(driver.find_element(By.CSS_SELECTOR, "th[data-col=views_range] a"))
    views = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "td[data-col=views_range]")]
    known = [int(v.replace(",", "")) for v in views if v != "—"]
    check("sorted by views in range (a computed column)", known == sorted(known, reverse=True), str(views[:5]))
    first_page = d.rows()
    d.click(driver.find_element(By.ID, "next-page"))
    second_page = d.rows()
    check("the second page has the rest (58 accounts: 8 more)", len(second_page) == 8 and not set(second_page) & set(first_page),
          str(second_page))
    d.click(driver.find_element(By.ID, "previous-page"))
    check("and back: the first page again", d.rows() == first_page)
    d.visit("accounts-sorted")

    Select(driver.find_element(By.CSS_SELECTOR, "form.filters select[name=platform]")).select_by_value("tiktok")
    search = driver.find_element(By.CSS_SELECTOR, "form.filters input[name=q]")
    search.clear()
    search.send_keys("bulk")
    d.click(driver.find_element(By.ID, "apply-filters"))
    rows = d.rows()
    check("filtered: TikTok accounts named bulk_… only", rows and all(r.startswith("bulk_") for r in rows)
          and all(int(r[5:]) % 3 == 0 for r in rows) and len(rows) == 15, str(rows))

    d.get("/accounts?q=bulk_1&sort=account&dir=asc")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-account=bulk_10]")
    d.click(row.find_element(By.XPATH, ".//button[normalize-space()='Pause']"))
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-account=bulk_10]")
    check("paused: its status says so and it offers Resume", "Paused" in row.text
          and row.find_elements(By.XPATH, ".//button[normalize-space()='Resume']"), row.text)
    status, body = d.api("GET", "/v2/accounts?q=bulk_10")
    check("the API sees it paused", [a.get("is_active") for a in body.get("data", [])] == [False], str(body)[:200])
    d.click(row.find_element(By.XPATH, ".//button[normalize-space()='Resume']"))
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-account=bulk_10]")
    check("resumed", "Active" in row.text, row.text)

    for username in ("bulk_11", "bulk_12"):
        driver.find_element(By.CSS_SELECTOR, f"tr[data-account={username}] input[type=checkbox]").click()
    d.click(driver.find_element(By.ID, "delete-selected"))
    listed = driver.find_element(By.ID, "delete-list").text
    check("the confirmation names both accounts", "@bulk_11" in listed and "@bulk_12" in listed and d.h1() == "Delete 2 accounts?",
          listed)
    d.visit("accounts-delete")
    d.click(driver.find_element(By.ID, "confirm-delete"))
    remaining = d.rows()
    check("both are gone", "bulk_11" not in remaining and "bulk_12" not in remaining, str(remaining))
    status, body = d.api("GET", "/v2/accounts?q=bulk_1")
    check("the API agrees", sorted(a["username"] for a in body.get("data", [])) == ["bulk_1%d" % i for i in (0, 3, 4, 5, 6, 7, 8, 9)],
          str([a.get("username") for a in body.get("data", [])]))

    print("an account's page: figures equal POST /v2/accounts/metrics")
    d.get("/accounts?q=maya.chen&sort=account&dir=asc")
    d.click(driver.find_element(By.LINK_TEXT, "@maya.chen"))
    account_url = driver.current_url
    account_id = account_url.rstrip("/").split("/")[-1]
    d.click(driver.find_element(By.XPATH, "//nav[@aria-label='Date range']/a[normalize-space()='90 days']"))
    status, body = d.api("POST", "/v2/accounts/metrics", {"account_ids": [account_id], "period": "90d"})
    figures = body.get("data", {}).get(account_id, {})
    metrics = d.data_values("metric")
    for name in ("views", "likes", "comments", "shares", "engagement_rate", "follower_count"):
        page, api = number(metrics.get(name)), figures.get(name)
        check(f"@maya.chen 90d: {name} {page} = API {api}", page == api or (page is not None and api is not None
                                                                          and abs(page - api) < 1e-9))
    check("followers, views and engagement charts", len(driver.find_elements(By.CSS_SELECTOR, ".charts svg.chart-svg")) == 3)
    d.visit("account-detail")

    print("creators: create one and link an account")
    d.nav("Creators")
    driver.find_element(By.CSS_SELECTOR, "#add-creator input[name=name]").send_keys("Browser Creator")
    d.click(driver.find_element(By.ID, "create-creator"))
    check("on the new creator's page", d.h1() == "Browser Creator", d.h1())
    select = Select(driver.find_element(By.ID, "link-account-select"))
    choice = next((o for o in select.options if o.text.startswith("@citybites.daily")), None)
    check("an account without a creator is offered", choice is not None)
    if choice is not None:
        select.select_by_visible_text(choice.text)
        d.click(driver.find_element(By.ID, "link-account-button"))
        check("its card is shown", driver.find_elements(By.CSS_SELECTOR, ".card-account[data-account='citybites.daily']"))
        status, body = d.api("GET", "/v2/accounts?q=citybites")
        check("the API shows the link", [a.get("creator_name") for a in body.get("data", [])] == ["Browser Creator"])
    d.visit("creator-new")
    d.get("/creators?sort=name")
    d.click(driver.find_element(By.LINK_TEXT, "Maya Chen"))
    check("a creator with accounts: one card each and a combined chart",
          len(driver.find_elements(By.CSS_SELECTOR, ".card-account")) == 3
          and len(driver.find_elements(By.CSS_SELECTOR, "#creator-chart .chart-legend li")) == 3)
    d.visit("creator-detail")

    print("a video's page")
    d.nav("Account videos")
    d.click(driver.find_element(By.CSS_SELECTOR, "#videos-table td[data-col=video] a"))
    check("the video page shows its counters and charts", "/account-videos/" in driver.current_url
          and driver.find_elements(By.CSS_SELECTOR, "#latest-counters dl")
          and driver.find_elements(By.CSS_SELECTOR, ".charts svg.chart-svg"), driver.current_url)
    d.visit("video-detail")
    d.nav("Individual videos")
    d.click(driver.find_element(By.CSS_SELECTOR, "#videos-table td[data-col=video] a"))
    check("an individual video's page", "/videos/" in driver.current_url and driver.find_elements(By.ID, "toggle-active"))
    d.visit("individual-video-detail")

    print("settings: a scraping default, followed by an account without its own")
    d.nav("Settings")
    Select(driver.find_element(By.CSS_SELECTOR, "#settings-form select[name=post_lookback_days]")).select_by_visible_text("1 year")
    d.click(driver.find_element(By.ID, "save-settings"))
    check("saved", "The settings were saved." in driver.page_source)
    driver.get(account_url)
    check("the account's post age limit follows: 1 year", driver.find_element(By.ID, "effective-lookback").text == "1 year",
          driver.find_element(By.ID, "effective-lookback").text)
    status, body = d.api("GET", f"/v2/accounts/{account_id}")
    check("the API agrees", body.get("data", {}).get("effective_post_lookback_days") == 365)

    print("a member: no write controls anywhere, a forged form refused")
    d.nav("Members")
    driver.find_element(By.CSS_SELECTOR, "form[action='/members/invite'] input[name=email]").send_keys("viewer@example.com")
    d.click(driver.find_element(By.XPATH, "//button[normalize-space()='Create invitation link']"))
    link = driver.find_element(By.ID, "invitation-link").text.strip()
    d.click(driver.find_element(By.ID, "sign-out"))
    # The link is built from --public-url; open it on this test's host so the host-only cookie is the same.
    driver.get(base + link[link.index("/invitations/"):])
    driver.find_element(By.NAME, "password").send_keys("viewer password 123")
    d.click(driver.find_element(By.XPATH, "//button[normalize-space()='Accept the invitation']"))
    check("the member lands on the overview", d.h1() == "Overview", d.h1())
    pages = ["/", "/accounts", account_url[len(base):], "/creators", "/account-videos", "/videos", "/usage", "/settings"]
    for path in pages:
        d.get(path)
        forms = [f.get_attribute("action") for f in driver.find_elements(By.CSS_SELECTOR, "form[method=post]")]
        extra = [a for a in forms if not a.endswith("/sign-out")]
        check(f"member on {path}: no write controls", not extra
              and not driver.find_elements(By.CSS_SELECTOR, "button[formaction], input[type=checkbox][name=id]"), str(extra))
    d.get("/accounts")
    d.visit("accounts-member")
    token = driver.find_element(By.CSS_SELECTOR, "input[name=csrf_token]").get_attribute("value")
    driver.execute_script("""
        var form = document.createElement('form'); form.method = 'post'; form.action = '/accounts/add';
        [['csrf_token', arguments[0]], ['platform', 'instagram'], ['username', 'forged_by_member']].forEach(function (p) {
          var input = document.createElement('input'); input.type = 'hidden'; input.name = p[0]; input.value = p[1];
          form.appendChild(input); });
        document.body.appendChild(form); form.submit();""", token)
    time.sleep(0.5)
    check("the forged form is refused (403)", "Forbidden" in d.h1() or "403" in driver.page_source[:3000], d.h1())
    status, body = d.api("GET", "/v2/accounts?q=forged_by_member")
    check("and nothing was added", status == 200 and body.get("data") == [], str(body)[:200])
    d.get("/")
    d.click(driver.find_element(By.ID, "sign-out"))
