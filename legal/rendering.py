"""Turning a stored legal text into HTML: paragraphs, "## " headings, "- " lists and "! " notes
(a highlighted paragraph, e.g. the demo's "template text" warning), all escaped."""

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe


def _inline(line: str) -> str:
    return urlize(escape(line), nofollow=True)


def legal_html(text: str) -> SafeString:
    blocks: list[str] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(f"<h2>{_inline(lines[0][3:])}</h2>")
            lines = lines[1:]
            if not lines:
                continue
        if lines[0].startswith("! "):
            note = "<br>".join(_inline(line.removeprefix("! ")) for line in lines)
            blocks.append(f'<p class="legal-note" role="note">{note}</p>')
        else:
            blocks.extend(_runs(lines))
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece was escaped above


def _runs(lines: list[str]) -> list[str]:
    """Consecutive "- " lines become one list, the lines between them paragraphs."""
    html: list[str] = []
    run: list[str] = []
    listing = False
    for line in [*lines, None]:
        is_item = line is not None and line.startswith("- ")
        if run and (line is None or is_item != listing):
            if listing:
                html.append("<ul>" + "".join(f"<li>{_inline(i[2:])}</li>" for i in run) + "</ul>")
            else:
                html.append("<p>" + "<br>".join(_inline(i) for i in run) + "</p>")
            run = []
        if line is not None:
            run.append(line)
            listing = is_item
    return html
