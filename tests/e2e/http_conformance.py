# The HTTP/1.1 conformance corpus (tests/e2e/http_conformance/*.http): reading its case files and rendering the
# table of share/docs/http-conformance.md from them. serve_conformance.py runs the cases; conformance_doc.py keeps
# the document in step with them.
#
# A case file opens with "# <section title>" and comment lines (the section's introduction), then cases:
#
#   ### <case id>
#   rfc: RFC 9112 §7.1
#   kind: must-reject | must-reject-or-repair | should-reject | may-reject | must-accept | must-do | should-accept | lenient | behaviour
#   summary: what the case sends and why it matters (one line, Markdown)
#   expect: 400                  the statuses of the responses, in order (interim ones included: "100 200")
#   app: {"PATH_INFO": "/x"}     optional: keys the app must have seen with these values (null: absent)
#   response-has: Name: value    optional, repeatable: a header the (last) response must carry
#   response-lacks: Name         optional, repeatable: a header it must not carry
#   head: yes                    optional: the response answers a HEAD request (no body follows)
#   server: unlimited            optional: run against the server started with every --limit-request-* at 0
#   gunicorn: same | <why not>   accepted cases: compared with gunicorn ("same"), or the documented difference
#   unit: <test case name>       optional: the unit test that covers the same row
#   >>>
#   POST /echo HTTP/1.1\r\n      the raw request: each line's own newline is dropped, blank lines are ignored,
#   Host: h\r\n                  and \r \n \t \\ \xHH are the bytes they name
#
# A case whose first expected status is 4xx or 5xx is a refusal: the suite sends a sentinel request after its bytes
# and requires the connection to close after the one error response, with the sentinel never served.
import json
import os
import re

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(E2E_DIR, "http_conformance")
REPO_ROOT = os.path.dirname(os.path.dirname(E2E_DIR))
DOC_PATH = os.path.join(REPO_ROOT, "share", "docs", "http-conformance.md")

KINDS = {
    "must-reject": "MUST reject",
    "must-reject-or-repair": "MUST reject or repair: we reject",
    "should-reject": "SHOULD reject",
    "may-reject": "MAY reject: we do",
    "must-accept": "MUST accept",
    "must-do": "MUST: we do",
    "should-accept": "SHOULD accept",
    "lenient": "leniency: we accept",
    "behaviour": "our choice",
}
FIELDS = {"rfc", "kind", "summary", "expect", "app", "response-has", "response-lacks", "head", "server", "gunicorn",
          "unit"}
REPEATABLE = {"response-has", "response-lacks"}


class CaseError(Exception):
    """A case file that does not follow the format: names the file and line."""


class Case:
    def __init__(self, case_id, path, line):
        self.id = case_id
        self.path = path
        self.line = line
        self.fields = {}
        self.raw = b""

    def get(self, name, default=None):
        return self.fields.get(name, default)

    @property
    def statuses(self):
        return [int(status) for status in self.fields["expect"].split()]

    @property
    def refused(self):
        return self.statuses[0] >= 400

    @property
    def app(self):
        return json.loads(self.fields["app"]) if "app" in self.fields else None

    @property
    def compared_with_gunicorn(self):
        return not self.refused and self.get("gunicorn", "").startswith("same")


def unescape(text, where):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        escape = text[i + 1:i + 2]
        if escape in ("r", "n", "t", "\\"):
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}[escape]
            i += 2
        elif escape == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise CaseError(f"{where}: unknown escape '\\{escape}' (use \\r \\n \\t \\\\ or \\xHH)")
    return bytes(out)


def expand(raw):
    """`{repeat N TEXT}` in a request line stands for TEXT N times (long targets and floods stay readable)."""
    return re.sub(r"\{repeat (\d+) ([^}]*)\}", lambda m: m.group(2) * int(m.group(1)), raw)


def read_file(path):
    """(section title, introduction, cases) of one case file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    title, intro, cases = None, [], []
    case, in_request = None, False
    for number, line in enumerate(lines, 1):
        where = f"{os.path.relpath(path, REPO_ROOT)}:{number}"
        if line.startswith("### "):
            case = Case(line[4:].strip(), path, number)
            cases.append(case)
            in_request = False
            continue
        if case is None:
            if line.startswith("# ") and title is None:
                title = line[2:].strip()
            elif line.startswith("#"):
                intro.append(line[1:].strip())
            elif line.strip():
                raise CaseError(f"{where}: text before the first '### <case id>'")
            continue
        if in_request:
            if line.strip():
                case.raw += unescape(expand(line), where)
            continue
        if line.strip() == ">>>":
            in_request = True
            continue
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or name not in FIELDS:
            raise CaseError(f"{where}: expected '<field>: <value>' with a field among {sorted(FIELDS)}")
        if name in REPEATABLE:
            case.fields.setdefault(name, []).append(value.strip())
        elif name in case.fields:
            raise CaseError(f"{where}: '{name}' given twice")
        else:
            case.fields[name] = value.strip()
    if title is None:
        raise CaseError(f"{os.path.relpath(path, REPO_ROOT)}: no '# <section title>' line at the top")
    for case in cases:
        check_case(case)
    return title, " ".join(intro), cases


def check_case(case):
    where = f"{os.path.relpath(case.path, REPO_ROOT)}:{case.line} ({case.id})"
    for required in ("rfc", "kind", "summary", "expect"):
        if required not in case.fields:
            raise CaseError(f"{where}: no '{required}:'")
    if case.fields["kind"] not in KINDS:
        raise CaseError(f"{where}: kind must be one of {sorted(KINDS)}")
    if not re.fullmatch(r"\d{3}( \d{3})*", case.fields["expect"]):
        raise CaseError(f"{where}: expect must be three-digit statuses separated by spaces")
    if not case.raw:
        raise CaseError(f"{where}: no request after '>>>'")
    if not case.refused and "gunicorn" not in case.fields:
        raise CaseError(f"{where}: an accepted case says how gunicorn compares ('gunicorn: same' or why not)")
    if "app" in case.fields:
        try:
            case.app
        except json.JSONDecodeError as error:
            raise CaseError(f"{where}: app: is not JSON: {error}") from None


def read_corpus():
    """[(title, introduction, cases)] in file-name order; case ids are unique across files."""
    sections, seen = [], {}
    for name in sorted(os.listdir(CASES_DIR)):
        if name.endswith(".http"):
            title, intro, cases = read_file(os.path.join(CASES_DIR, name))
            for case in cases:
                if case.id in seen:
                    raise CaseError(f"case id '{case.id}' is used twice ({seen[case.id]} and {name})")
                seen[case.id] = name
            sections.append((title, intro, cases))
    return sections


def answer(case):
    statuses = case.statuses
    final = statuses[-1]
    text = " then ".join(str(status) for status in statuses)
    if case.refused:
        return f"{final}, connection closed"
    return text


def cell(text):
    return text.replace("|", "\\|")


def render(sections):
    out = [
        "# HTTP/1.1 conformance of `deployctl serve`",
        "",
        "<!-- Generated from tests/e2e/http_conformance/*.http by tests/e2e/conformance_doc.py: edit the cases, then",
        "     run `UPDATE_GOLDEN=1 ctest --test-dir build -L golden`. -->",
        "",
        "One row per rejection, per leniency and per choice the RFCs leave to a server: what is sent, the section of",
        "RFC 9110 / 9112 that rules it, what the RFC asks of a server, what `deployctl serve` answers, how gunicorn",
        "20.1 (Debian 12's, the reference of the differential runs) compares, and the test that covers the row.",
        "Every row is a case of the raw-socket suite `e2e.serve.conformance` (tests/e2e/serve_conformance.py) run",
        "against `deployctl serve`; the accepted ones marked \"same\" are also sent to gunicorn and must give the same",
        "status and the same environ. Every refusal closes the connection, and the suite sends one more request",
        "after the refused bytes to prove that nothing after a malformed message is ever parsed as a request.",
        "",
        "The column \"the RFC\" says what the RFC asks of a server: MUST reject; MUST reject or repair (replace a bare",
        "CR, an obs-fold or a NUL with SP, or skip the line): we always reject, since a repair is a second reading of",
        "bytes another hop read once; SHOULD or MAY reject (we do); MUST or SHOULD accept, or do (we do); a leniency",
        "(the RFC lets a server refuse it, we accept it for the clients that send it); or our choice where the RFCs",
        "leave one.",
        "",
        "How it is done: llhttp (Debian's node-llhttp) parses in its default, lenient mode; gateway/http's head",
        "framer checks every byte of the head before llhttp sees it, and its chunked decoder frames chunked bodies.",
        "ARCHITECTURE.md (gateway/http) has the measurements behind that choice.",
        "",
        f"{sum(len(cases) for _, _, cases in sections)} cases: "
        f"{sum(case.refused for _, _, cases in sections for case in cases)} refusals, "
        f"{sum(not case.refused for _, _, cases in sections for case in cases)} accepted requests.",
        "",
    ]
    for title, intro, cases in sections:
        out += [f"## {title}", ""]
        if intro:
            out += [intro, ""]
        out += ["| case (e2e) | what | RFC | the RFC | we answer | gunicorn 20.1 | also unit-tested in |",
                "|---|---|---|---|---|---|---|"]
        for case in cases:
            gunicorn = "—" if case.refused else case.get("gunicorn", "")
            out.append("| " + " | ".join(cell(text) for text in [
                f"`{case.id}`", case.get("summary"), case.get("rfc"), KINDS[case.get("kind")], answer(case), gunicorn,
                case.get("unit", "")]) + " |")
        out.append("")
    return "\n".join(out)
