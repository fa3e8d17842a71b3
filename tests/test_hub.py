"""nyttolib under a real JupyterHub (deploy/jupyterhub_config.py, the dummy login with a password, local
processes, configurable-http-proxy): users log in in Debian's chromium and land on the start page; an
ordinary user's server answers Voilà's pages and refuses the Jupyter API, and their kernel runs no code sent
over its websocket; each user sees only their own assessments (a pasted id is refused), the portfolio
office sees everyone's."""

from __future__ import annotations

import json
import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from nyttolib.serve.hub import START_PAGE

from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, kernel_pids, require_chromium, wait_for
from formdriver import FormDriver
from hubserver import PASSWORD, jupyterhub, require_proxy

pytestmark = pytest.mark.slow

PORTFOLIO_USER = "portfolj"
STAFF_USER = "it-stina"
USERS = ("anna", "bertil")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_chromium()
    require_proxy()
    groups = {"portfoljkontoret": [PORTFOLIO_USER], "nyttolib-it": [STAFF_USER]}
    with jupyterhub(tmp_path_factory.mktemp("hub"), groups) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Visitor:
    """One user's browser context: their own cookies, the kernel websockets their pages opened."""

    def __init__(self, browser, hub, name: str):
        self.hub, self.name = hub, name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        self.context.set_default_timeout(120_000)  # the first login spawns the server, which renders the page
        self.page = self.context.new_page()
        self.websockets: list[str] = []
        self.page.on("websocket", lambda socket: self.websockets.append(socket.url))

    def log_in(self, until_start_page: bool = True) -> None:
        """Log in on the hub's page and wait for the start page to be interactive (its upload button)."""
        self.page.goto(self.hub.url + "hub/login")
        self.page.get_by_label("Username").fill(self.name)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        if until_start_page:  # a spawn and a page rendered in a new kernel: minutes on a loaded 2-core machine
            self.page.get_by_role("button", name="Importera en .json-fil").wait_for(timeout=300_000)

    def url(self, path: str) -> str:
        return self.hub.user_url(self.name, path)

    def xsrf(self) -> str:
        """The xsrf cookie the hub's login set for this user's server (what the pages send with a POST)."""
        path = f"/user/{self.name}/"
        return next(c["value"] for c in self.context.cookies() if c["name"] == "_xsrf" and c["path"] == path)

    def kernel_channels(self) -> str:
        """The websocket URL of the kernel of the page shown now."""
        return wait_for(lambda: [u for u in self.websockets if "/api/kernels/" in u], message="a kernel socket")[-1]

    def close(self) -> None:
        self.context.close()


@contextmanager
def visitor(browser, hub, name: str):
    person = Visitor(browser, hub, name)
    try:
        person.log_in()
        yield person
    finally:
        person.close()


def kernel_environment(channels_url: str) -> dict[str, str]:
    """The environment of the kernel behind a page: what the hub's spawner gave the user's server."""
    kernel_id = re.search(r"/api/kernels/([0-9a-f-]+)/channels", channels_url).group(1)
    pids = wait_for(lambda: kernel_pids(kernel_id), message="the kernel process")
    raw = Path(f"/proc/{pids[0]}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="replace").split("=", 1) for entry in raw if b"=" in entry)


def test_two_users_log_in_and_each_reaches_the_start_page_as_themselves(hub, browser):
    with visitor(browser, hub, "anna") as anna, visitor(browser, hub, PORTFOLIO_USER) as office:
        for person in (anna, office):
            assert person.page.url == person.url(START_PAGE)
            heading = person.page.get_by_role("heading", level=1)
            assert heading.inner_text() == "Bedömningsstöd för utvecklingsinitiativ"
            assert "from nyttolib" not in person.page.content()  # a form, not code
        # Who each server works for comes from the hub's spawner: the user and their hub groups.
        annas = kernel_environment(anna.kernel_channels())
        assert annas["JUPYTERHUB_USER"] == "anna" and annas["NYTTOLIB_GROUPS"] == ""
        assert annas["NYTTOLIB_PORTFOLIO_GROUP"] == "portfoljkontoret"
        offices = kernel_environment(office.kernel_channels())
        assert offices["JUPYTERHUB_USER"] == PORTFOLIO_USER and offices["NYTTOLIB_GROUPS"] == "portfoljkontoret"
        # Neither reaches the other's server: the hub does not let anna's login into bertil's.
        response = anna.page.request.get(hub.user_url(PORTFOLIO_USER, START_PAGE), max_redirects=5)
        assert response.status == 403 and "Bedömningsstöd" not in response.text()


REFUSED_GETS = [
    "api/contents",
    "api/contents/start.ipynb",
    "files/start.ipynb",
    "lab",
    "tree",
    "notebooks/start.ipynb",
    "edit/start.ipynb",
    "view/start.ipynb",
    "api/sessions",
    "api/terminals",
    "terminals/1",
    "api/kernels",
    "api/kernelspecs",
    "kernelspecs/python3/kernel.json",
    "api/nbconvert",
    "nbconvert/html/start.ipynb",
    "api/config/notebook",
    "api/events/subscribe",
    "lsp/status",
    "voila/files/bedomning.ipynb",
]
REFUSED_WRITES = [
    ("PUT", "api/contents/kod.py", {"type": "file", "format": "text", "content": "print(1)"}),
    ("POST", "api/contents", {"type": "notebook"}),
    ("POST", "api/kernels", {"name": "python3"}),
    ("POST", "api/sessions", {"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}}),
    ("POST", "api/terminals", {}),
    ("PATCH", "api/config/notebook", {"x": 1}),
    ("POST", "api/shutdown", {}),
]


def test_the_jupyter_api_is_refused_for_an_ordinary_user(hub, browser):
    with visitor(browser, hub, "anna") as anna:
        request = anna.page.request
        # The same cookies open what Voilà's pages use: so the refusals below are the server's lock, not a login.
        kernel_id = re.search(r"/api/kernels/([0-9a-f-]+)/", anna.kernel_channels()).group(1)
        assert request.get(anna.url(f"api/kernels/{kernel_id}")).status == 200
        assert request.get(anna.url(START_PAGE)).status == 200
        refused = {}
        for path in REFUSED_GETS:
            refused[f"GET {path}"] = request.get(anna.url(path), max_redirects=0).status
        headers = {"X-XSRFToken": anna.xsrf(), "Content-Type": "application/json"}
        try:
            for method, path, body in REFUSED_WRITES:
                response = request.fetch(anna.url(path), method=method, data=json.dumps(body), headers=headers)
                refused[f"{method} {path}"] = response.status
        finally:
            written = [p for p in (ROOT / "notebooks").iterdir() if p.name == "kod.py" or p.name.startswith("Untitled")]
            for path in written:
                path.unlink()  # a failing run must not leave files in the checkout
        answered = {route: status for route, status in refused.items() if status not in (403, 404)}
        assert answered == {}, f"svarade fast de ska vara stängda: {answered}"
        assert {route for route, status in refused.items() if status == 403} >= {
            "GET api/contents",
            "GET files/start.ipynb",
            "GET api/sessions",
            "GET api/kernels",
            "PUT api/contents/kod.py",
            "POST api/kernels",
            "POST api/sessions",
        }  # the Authorizer's refusals (the xsrf token was right: those would be "_xsrf missing" otherwise)
        assert written == []
        assert "nyttolib: nekade anna att write contents (PUT" in hub.log_text()
        assert "nyttolib: nekade anna att write kernels (POST" in hub.log_text()
        assert request.get(anna.url(f"api/kernels/{kernel_id}")).status == 200  # the page's kernel still runs


def test_closing_the_page_ends_its_kernel_and_scripts_come_compressed(hub, browser):
    with visitor(browser, hub, "bertil") as bertil:
        kernel_id = re.search(r"/api/kernels/([0-9a-f-]+)/", bertil.kernel_channels()).group(1)
        assert kernel_pids(kernel_id)
        script = bertil.page.request.get(bertil.url("voila/static/voila.js"), headers={"Accept-Encoding": "gzip"})
        assert script.status == 200 and script.headers.get("content-encoding") == "gzip"
        bertil.page.goto(hub.url + "hub/home")  # Voilà's shutdown request (with the hub's xsrf cookie)
        wait_for(lambda: not kernel_pids(kernel_id), timeout=30, message="the page's kernel to end")
        shutdown = f"204 POST /user/bertil/voila/api/shutdown/{kernel_id}"
        wait_for(lambda: shutdown in hub.log_text(), timeout=30, message="the shutdown request's answer")


def test_staff_get_jupyterlab(hub, browser):
    staff = Visitor(browser, hub, STAFF_USER)
    try:
        staff.log_in(until_start_page=False)
        expect(staff.page).to_have_url(re.compile(rf"/user/{STAFF_USER}/lab"), timeout=120_000)
        assert staff.page.request.get(staff.url("api/contents")).status == 200  # trusted with the files
        assert staff.page.request.get(staff.url("api/kernelspecs")).status == 200
    finally:
        staff.close()


# A message in the kernel websocket's v1 protocol (the binary one JupyterLab prefers), built in the browser.
V1_MESSAGE_JS = """
(channel, message) => {
  const encoder = new TextEncoder();
  const parts = [channel, message.header, message.parent_header, message.metadata, message.content]
    .map((part, i) => encoder.encode(i === 0 ? part : JSON.stringify(part)));
  const count = parts.length + 1;
  const offsets = [8 * (count + 1)];
  for (const part of parts) offsets.push(offsets[offsets.length - 1] + part.length);
  const buffer = new Uint8Array(offsets[offsets.length - 1]);
  const view = new DataView(buffer.buffer);
  view.setBigUint64(0, BigInt(count), true);
  offsets.forEach((offset, i) => view.setBigUint64(8 * (i + 1), BigInt(offset), true));
  parts.forEach((part, i) => buffer.set(part, offsets[i]));
  return buffer;
}
"""

SEND_JS = """
async ([url, protocol, requests, wait]) => {
  const v1 = V1_MESSAGE;
  const socket = protocol ? new WebSocket(url, [protocol]) : new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const replies = [];
  socket.onmessage = (event) => {
    const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
    const type = text.match(/"msg_type":\\s*"([a-z_]+)"/);
    if (type) replies.push(type[1]);
  };
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  for (const [msg_type, content] of requests) {
    const header = {msg_id: crypto.randomUUID(), msg_type, username: "", session: crypto.randomUUID(),
                    date: new Date().toISOString(), version: "5.3"};
    const message = {header, parent_header: {}, metadata: {}, content, buffers: []};
    socket.send(protocol ? v1("shell", message) : JSON.stringify({...message, channel: "shell"}));
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
  socket.close();
  return replies;
}
""".replace("V1_MESSAGE", V1_MESSAGE_JS.strip())


@pytest.mark.parametrize("protocol", ["", "v1.kernel.websocket.jupyter.org"], ids=["json", "v1"])
def test_code_sent_over_the_kernel_websocket_never_runs(hub, browser, tmp_path, protocol):
    proof = tmp_path / f"koden-kordes-{protocol or 'json'}.txt"
    code = f"open({str(proof)!r}, 'w').write('körd')"
    with visitor(browser, hub, "anna") as anna:
        channels = re.sub(r"session_id=[^&]*", "session_id=angripare", anna.kernel_channels())
        requests = [
            ["execute_request", {"code": code, "silent": False, "store_history": False, "allow_stdin": False}],
            ["inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}],
            ["complete_request", {"code": "imp", "cursor_pos": 3}],
            ["kernel_info_request", {}],  # the control: the socket works and passes what the page needs
            ["comm_info_request", {}],
        ]
        replies = anna.page.evaluate(SEND_JS, [channels, protocol, requests, 4000])
        assert "kernel_info_reply" in replies and "comm_info_reply" in replies
        assert not {"execute_reply", "execute_input", "inspect_reply", "complete_reply"} & set(replies)
        assert not proof.exists()
        log = hub.log_text()
        assert "nyttolib: släppte ett execute_request-meddelande på kanalen shell från anna" in log
        assert "nyttolib: släppte ett complete_request-meddelande" in log
        # The page itself still works over its own socket: its widgets answer (a click opens the form).
        anna.page.get_by_role("link", name="Ny bedömning").click()
        FormDriver(anna.page).wait_ready()


# -- what the store's access rules show each user -----------------------------------------------------------


def create_assessment(person: Visitor, name: str) -> str:
    """Start a new assessment in the form, name it, wait until it is saved; its id (from the page's address)."""
    person.page.goto(person.url(START_PAGE))
    person.page.get_by_role("link", name="Ny bedömning").click()
    form = FormDriver(person.page)
    form.wait_ready()
    form.fill("Initiativets namn", name)
    form.wait_saved()
    expect(person.page).to_have_url(re.compile(r"[?&]id="))
    return urllib.parse.parse_qs(urllib.parse.urlparse(person.page.url).query)["id"][0]


def start_page_table(person: Visitor) -> str:
    person.page.goto(person.url(START_PAGE))
    person.page.get_by_role("button", name="Importera en .json-fil").wait_for()
    return person.page.locator("main").inner_text()


def test_each_user_sees_only_their_own_and_the_portfolio_office_sees_both(hub, browser):
    with visitor(browser, hub, "anna") as anna, visitor(browser, hub, "bertil") as bertil:
        annas = create_assessment(anna, "Annas e-tjänst för bygglov")
        bertils = create_assessment(bertil, "Bertils digitala brevlåda")
        assert "Annas e-tjänst" in start_page_table(anna) and "Bertils" not in start_page_table(anna)
        assert "Bertils digitala brevlåda" in start_page_table(bertil) and "Annas" not in start_page_table(bertil)
        # A pasted id opens nothing of anna's for bertil: a Swedish refusal, no traceback, no name.
        bertil.page.goto(bertil.url(f"voila/render/bedomning.ipynb?id={annas}"))
        refusal = bertil.page.get_by_role("alert").filter(has_text=f"Du får inte se bedömningen '{annas}'")
        refusal.wait_for(timeout=300_000)
        shown = bertil.page.locator("body").inner_text()
        assert "Annas e-tjänst" not in shown and "Traceback" not in shown
        bertil.page.goto(bertil.url(f"voila/render/rapport.ipynb?id={annas}"))  # nor its report
        bertil.page.get_by_role("heading", name="Du har inte tillgång till bedömningen").wait_for(timeout=300_000)
        assert "Annas e-tjänst" not in bertil.page.locator("body").inner_text()
        assert annas != bertils
    with visitor(browser, hub, PORTFOLIO_USER) as office:
        office.page.goto(office.url("voila/render/portfolj.ipynb"))
        table = office.page.get_by_role("table", name=re.compile("^Initiativ i portföljen"))
        table.wait_for()
        expect(table).to_contain_text("Annas e-tjänst för bygglov")
        expect(table).to_contain_text("Bertils digitala brevlåda")
