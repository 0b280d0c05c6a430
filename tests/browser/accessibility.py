"""axe-core in the Playwright tests: what a page breaks of WCAG 2.x A/AA, as axe reports it.

axe-core is vendored under `tests/vendor/` with its version in the file name (MPL-2.0, from the
npm package). It is a testing tool, not part of the shop: it is never served, so it stays out of
`static/` and out of the pages' Content-Security-Policy. It is put into the page through the
DevTools protocol (`page.evaluate`), which the page's CSP does not govern, so the pages are
checked exactly as shoppers get them, CSP included.
"""

from pathlib import Path

AXE = next((Path(__file__).parent.parent / "vendor").glob("axe-core-4.*.min.js"))
SEVERE = {"serious", "critical"}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, impacts=frozenset(SEVERE)) -> list[str]:
    """One line per serious or critical violation on the page: rule, impact, first targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): "
            f"{targets} — {summary[:200]}"
        )
    return lines
